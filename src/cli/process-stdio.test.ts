import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Runs a snippet against the compiled module in a child, so fds 1 and 2 are real pipes. */
function child(code: string): ReturnType<typeof spawnSync> {
  const mod = path.join(ROOT, 'dist', 'cli', 'process-stdio.js')
  return spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import { processStdio } from ${JSON.stringify(mod)}\n${code}`],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  )
}

describe('processStdio', () => {
  it('writes everything, in order, across a pipe that fills up (4 MiB in 64 KiB pieces)', () => {
    const r = child(`
      const io = processStdio()
      const piece = 'x'.repeat(65535) + '\\n'
      for (let i = 0; i < 64; i++) io.stdout.write(piece)
      io.stderr.write('done\\n')
    `)
    expect(r.status).toBe(0)
    expect(r.stdout.length).toBe(64 * 65536)
    expect(r.stderr.toString()).toBe('done\n')
  })

  it('answers isTTY for a pipe without creating the stream, and forwards the rest to it', () => {
    const r = child(`
      let touched = 0
      const d = Object.getOwnPropertyDescriptor(process, 'stdout')
      Object.defineProperty(process, 'stdout', { configurable: true, get() { touched++; return d.get.call(process) } })
      const io = processStdio()
      const tty = io.stdout.isTTY
      io.stdout.write('x')
      // Reading isTTY of a pipe and writing must not have built process.stdout.
      const before = touched
      const hasOn = typeof io.stdout.on
      io.stdout.write(JSON.stringify({ tty, before, hasOn, after: touched > 0 }) + '\\n')
    `)
    expect(r.stdout.toString()).toMatch(/^x/)
    expect(JSON.parse(r.stdout.toString().slice(1))).toEqual({
      tty: false,
      before: 0,
      hasOn: 'function',
      after: true,
    })
  })
})
