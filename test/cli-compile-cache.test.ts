import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeTempHome } from './support/cli.ts'

// The launcher's V8 code cache (src/cli/compile-cache.ts): a second start reuses what the first
// compiled, the answers are the same, and a cache dir anyone else could write is never used.
describe('CLI compile cache', () => {
  const listing = (dir: string) =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => {
            const p = path.join(e.parentPath, e.name)
            return { name: e.name, mtime: fs.statSync(p).mtimeMs, mode: fs.statSync(p).mode & 0o777 }
          })
      : []

  it('the first run writes a private cache, the second reads it and writes nothing; same output', async () => {
    const t = makeTempHome()
    const dir = path.join(t.home, 'v8')
    const env = { OPENCLAW_COMPILE_CACHE_DIR: dir, ANTHROPIC_API_KEY: 'sk-ant-api03-compile-cache-test-key' }
    const first = await t.run(['models', 'status', '--check'], { env })
    const written = listing(dir)
    expect(written.length).toBeGreaterThan(5)
    expect(written.some((f) => f.name.startsWith('bundle_main.cjs@'))).toBe(true)
    expect(written.every((f) => f.mode === 0o600)).toBe(true)
    const sub = fs.readdirSync(dir)[0]!
    expect(fs.statSync(path.join(dir, sub)).mode & 0o777).toBe(0o700)
    const second = await t.run(['models', 'status', '--check'], { env })
    expect(second.code).toBe(first.code)
    expect(second.stdout).toBe(first.stdout)
    // Nothing of the cache shows on stderr (no experimental-API warning either).
    expect(second.stderr).toBe(first.stderr)
    expect(first.stderr).not.toMatch(/Warning|compile/i)
    expect(listing(dir)).toEqual(written)
  })

  it('a damaged cache entry is ignored and replaced; the command still works', async () => {
    const t = makeTempHome()
    const dir = path.join(t.home, 'v8')
    const env = { OPENCLAW_COMPILE_CACHE_DIR: dir }
    const clean = await t.run(['models', 'auth', 'list', '--json'], { env })
    const sub = path.join(dir, fs.readdirSync(dir)[0]!)
    const main = fs.readdirSync(sub).find((f) => f.startsWith('bundle_main.cjs@'))!
    fs.writeFileSync(path.join(sub, main), Buffer.from('not a code cache at all'))
    const again = await t.run(['models', 'auth', 'list', '--json'], { env })
    expect(again.code).toBe(clean.code)
    expect(again.stdout).toBe(clean.stdout)
    expect(fs.statSync(path.join(sub, main)).size).toBeGreaterThan(100)
  })

  it('a cache dir others can write is not used, and OPENCLAW_COMPILE_CACHE=0 turns it off', async () => {
    const t = makeTempHome()
    const open = path.join(t.home, 'open')
    fs.mkdirSync(open, { mode: 0o777 })
    fs.chmodSync(open, 0o777)
    const loose = await t.run(['--version'], { env: { OPENCLAW_COMPILE_CACHE_DIR: open } })
    expect(loose.code).toBe(0)
    // The per-version subdir is created by us 0700 inside; the loose parent must stop that too.
    expect(listing(open)).toEqual([])
    const off = path.join(t.home, 'off')
    const disabled = await t.run(['--version'], {
      env: { OPENCLAW_COMPILE_CACHE_DIR: off, OPENCLAW_COMPILE_CACHE: '0' },
    })
    expect(disabled.stdout).toBe(loose.stdout)
    expect(fs.existsSync(off)).toBe(false)
  })
})
