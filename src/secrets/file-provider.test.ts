/** security-and-reliability.md 2.D: D-FILE-01..04 against real files, FIFOs, devices and links. */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { foreignOwned, makeProviderDir } from '../../test/fixtures/secret-providers/install.ts'
import type { SecretRef } from '../auth/types.ts'
import type { FileSecretProviderConfig, OpenclawConfig } from '../config/types.ts'
import { resolveSecretRefs } from './resolver.ts'
import type { RefResult } from './snapshot.ts'

type Extra = Omit<FileSecretProviderConfig, 'source' | 'path'>

async function resolveFile(file: string, ids: string[], extra: Extra = {}): Promise<RefResult[]> {
  const config: OpenclawConfig = {
    secrets: { providers: { local: { source: 'file', path: file, ...extra } } },
  }
  const refs: SecretRef[] = ids.map((id) => ({ source: 'file', provider: 'local', id }))
  const snap = await resolveSecretRefs(refs, { config, env: {} })
  return refs.map((r) => snap.result(r)!)
}

async function message(file: string, id = '/k', extra: Extra = {}): Promise<string> {
  const [r] = await resolveFile(file, [id], extra)
  if (!r || r.ok) throw new Error('expected a failure')
  return r.message
}

describe('D-FILE-01: path and file type', () => {
  it('a relative path is refused', async () => {
    expect(await message('secrets.json')).toBe('file provider "local": path secrets.json is not absolute')
  })

  it('a directory is refused', async () => {
    const p = makeProviderDir()
    expect(await message(p.dir)).toBe(
      `file provider "local": ${p.dir} is a directory, not a regular file (refused)`,
    )
  })

  it('a FIFO with no writer is refused before it is opened (never hangs)', async () => {
    const p = makeProviderDir()
    const fifo = path.join(p.dir, 'fifo')
    execFileSync('mkfifo', ['-m', '600', fifo])
    const started = Date.now()
    expect(await message(fifo)).toBe(`file provider "local": ${fifo} is a FIFO, not a regular file (refused)`)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it.each(['/dev/zero', '/proc/self/environ'])('%s is refused (kernel pseudo-filesystem)', async (f) => {
    expect(await message(f)).toBe(
      `file provider "local": ${f} is on a kernel pseudo-filesystem (/proc, /sys, /dev); refused`,
    )
  })

  it('a 10 MiB file exceeds maxBytes (1 MiB by default)', async () => {
    const p = makeProviderDir()
    const big = p.file('big.json', Buffer.alloc(10 * 1024 * 1024, 0x20))
    expect(await message(big)).toBe(`file provider "local": ${big} is larger than maxBytes (1048576 bytes)`)
  })

  it('a 0-byte file is an empty-value error', async () => {
    const p = makeProviderDir()
    const empty = p.file('empty.json', '')
    expect(await message(empty)).toBe(`file provider "local": ${empty} is empty`)
  })
})

describe('D-FILE-02: permissions, owner, symlinks', () => {
  it.each([0o644, 0o666, 0o640, 0o604])('mode %o is too open', async (mode) => {
    const p = makeProviderDir()
    const f = p.file('s.json', '{"k":"v"}', mode)
    expect(await message(f)).toBe(
      `file provider "local": ${f} permissions are too open (0${mode.toString(8)}); run: chmod 600 ${f}`,
    )
  })

  it.each([0o600, 0o400])('mode %o is accepted', async (mode) => {
    const p = makeProviderDir()
    expect(await resolveFile(p.file('s.json', '{"k":"v"}', mode), ['/k'])).toEqual([{ ok: true, value: 'v' }])
  })

  it('a file owned by another uid is refused', async () => {
    const p = makeProviderDir()
    const f = foreignOwned(p, 's.json', '{"k":"v"}', 0o600, '/etc/hostname')
    expect(await message(f)).toMatch(/is not owned by you \(owner uid \d+\); refused$/)
  })

  it('a symlink, and a symlink to a symlink, are refused', async () => {
    const p = makeProviderDir()
    const real = p.file('s.json', '{"k":"v"}')
    const link1 = path.join(p.dir, 'link1.json')
    const link2 = path.join(p.dir, 'link2.json')
    fs.symlinkSync(real, link1)
    fs.symlinkSync(link1, link2)
    for (const l of [link1, link2]) {
      expect(await message(l)).toBe(
        `file provider "local": ${l} is a symlink (refused; point path at the real file)`,
      )
    }
  })
})

describe('D-FILE-03: content', () => {
  it('invalid JSON and a top-level array fail every ref of the file', async () => {
    const p = makeProviderDir()
    const bad = p.file('bad.json', '{"k": "v",')
    expect(await message(bad)).toBe(`file provider "local": ${bad} does not contain valid JSON`)
    const arr = p.file('arr.json', '["v"]')
    expect(await message(arr)).toBe(
      `file provider "local": ${arr} does not contain a JSON object at the top level`,
    )
  })

  it('missing key, non-string value, nested pointers, escapes, BOM and the seed-style bare key', async () => {
    const p = makeProviderDir()
    const doc = {
      anthropic: { prod: 'sk-prod', obj: { x: 1 }, n: 7 },
      'a/b': { 'c~d': 'escaped' },
      'anthropic-prod-key': 'sk-seed',
      list: ['first'],
    }
    const f = p.file('s.json', `\uFEFF${JSON.stringify(doc)}`)
    const ids = [
      '/anthropic/prod',
      '/anthropic/missing',
      '/anthropic/obj',
      '/anthropic/n',
      '/a~1b/c~0d',
      'anthropic-prod-key',
      '/list/0',
    ]
    const results = await resolveFile(f, ids)
    expect(results).toEqual([
      { ok: true, value: 'sk-prod' },
      {
        ok: false,
        code: 'secret_ref_unresolved',
        message: 'file provider "local": id "/anthropic/missing" was not found in the file',
      },
      {
        ok: false,
        code: 'secret_ref_unresolved',
        message: 'file provider "local": id "/anthropic/obj" resolved to a non-string value',
      },
      {
        ok: false,
        code: 'secret_ref_unresolved',
        message: 'file provider "local": id "/anthropic/n" resolved to a non-string value',
      },
      { ok: true, value: 'escaped' },
      { ok: true, value: 'sk-seed' },
      { ok: true, value: 'first' },
    ])
  })

  it('prototype keys are not "found"', async () => {
    const p = makeProviderDir()
    const f = p.file('s.json', '{"k":"v"}')
    expect(await message(f, '/constructor')).toBe(
      'file provider "local": id "/constructor" was not found in the file',
    )
  })

  it('singleValue: BOM and exactly one trailing newline are stripped; more is refused', async () => {
    const p = makeProviderDir()
    const one = p.file('one.txt', '\uFEFFsk-single\n')
    expect(await resolveFile(one, ['value'], { mode: 'singleValue' })).toEqual([
      { ok: true, value: 'sk-single' },
    ])
    const crlf = p.file('crlf.txt', 'sk-single\r\n')
    expect(await resolveFile(crlf, ['value'], { mode: 'singleValue' })).toEqual([
      { ok: true, value: 'sk-single' },
    ])
    const two = p.file('two.txt', 'sk-single\n\n')
    expect(await message(two, 'value', { mode: 'singleValue' })).toBe(
      `file provider "local": ${two} contains a line break or NUL (refused)`,
    )
    expect(await message(one, '/k', { mode: 'singleValue' })).toBe(
      'file provider "local" is a singleValue provider; its only id is "value"',
    )
  })
})

describe('D-FILE-04: a replaced file is re-read on the next pass', () => {
  it('rename over the old file: the second pass sees the new value', async () => {
    const p = makeProviderDir()
    const f = p.file('s.json', '{"k":"old"}')
    expect(await resolveFile(f, ['/k'])).toEqual([{ ok: true, value: 'old' }])
    const next = p.file('s.json.tmp', '{"k":"new"}')
    fs.renameSync(next, f)
    expect(await resolveFile(f, ['/k'])).toEqual([{ ok: true, value: 'new' }])
  })
})
