import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readLegacyFile } from './read-legacy-file.ts'

const dirs: string[] = []
function tempFile(name: string, content?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-legacy-read-'))
  dirs.push(dir)
  const file = path.join(dir, name)
  if (content !== undefined) fs.writeFileSync(file, content)
  return file
}

afterEach(() => {
  vi.restoreAllMocks()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('readLegacyFile', () => {
  it('reads a file up to the limit exactly, BOM and CRLF untouched (the parser handles them)', () => {
    const text = '\ufeff{\r\n  "a": 1\r\n}\r\n'
    const file = tempFile('auth.json', text)
    expect(readLegacyFile(file, Buffer.byteLength(text))).toEqual({ ok: true, text })
  })

  it('a file over the limit is refused by its size without reading a byte of it', () => {
    const file = tempFile('auth-profiles.json', 'x'.repeat(101))
    const reads = vi.spyOn(fs, 'readSync')
    const r = readLegacyFile(file, 100)
    expect(r).toEqual({
      ok: false,
      failure: 'too_large',
      detail: `${file} is larger than the 100 bytes limit for auth files (101 bytes or more; real ones are a few KB); not read, left untouched. Move it out of the agent dir, or copy its entries into a smaller file`,
    })
    expect(reads).not.toHaveBeenCalled()
  })

  it('missing, a directory, and a FIFO (refused without blocking on the open)', () => {
    const missing = tempFile('gone.json')
    expect(readLegacyFile(missing)).toMatchObject({ ok: false, failure: 'missing' })
    const dir = path.dirname(missing)
    expect(readLegacyFile(dir)).toEqual({
      ok: false,
      failure: 'not_file',
      detail: `${dir} is not a regular file`,
    })
    const fifo = path.join(dir, 'auth.json')
    execFileSync('mkfifo', [fifo])
    expect(readLegacyFile(fifo)).toEqual({
      ok: false,
      failure: 'not_file',
      detail: `${fifo} is not a regular file`,
    })
  })
})
