// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} config references are what these tests are about
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import { loadConfig } from './load.ts'
import { backupPaths, updateConfig, writeConfig } from './write.ts'
import { takeWriteNotices } from './write-notices.ts'

const DIST_WRITE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/config/write.js')

function tmpConfigPath(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oc-write-')), 'openclaw.json')
}

const mode = (p: string) => fs.statSync(p).mode & 0o777

function errorOf(fn: () => unknown): OpenclawError {
  try {
    fn()
  } catch (err) {
    if (OpenclawError.isInstance(err)) return err
    throw err
  }
  throw new Error('expected a throw')
}

describe('writeConfig', () => {
  it('writes pretty JSON with a trailing newline, mode 0600, creating the dir 0700', () => {
    const file = path.join(tmpConfigPath(), 'nested', 'openclaw.json')
    const r = writeConfig(file, { gateway: { port: 8080 } }, { env: {} })
    expect(r.written).toBe(true)
    expect(fs.readFileSync(file, 'utf8')).toBe('{\n  "gateway": {\n    "port": 8080\n  }\n}\n')
    expect(mode(file)).toBe(0o600)
    expect(mode(path.dirname(file))).toBe(0o700)
    expect(fs.readdirSync(path.dirname(file))).toEqual(['openclaw.json'])
  })

  it('refuses an invalid config and leaves the file untouched', () => {
    const file = tmpConfigPath()
    writeConfig(file, { gateway: { port: 1 } }, { env: {} })
    const before = fs.readFileSync(file, 'utf8')
    const e = errorOf(() => writeConfig(file, { gateway: { port: 'x' } }, { env: {} }))
    expect(e.code).toBe('config_invalid')
    expect(e.message).toContain('gateway.port: expected an integer from 1 to 65535, got "x"')
    expect(fs.readFileSync(file, 'utf8')).toBe(before)
    expect(fs.existsSync(`${file}.bak`)).toBe(false)
  })

  it('keeps ${VAR} references literally and checks them against the given env', () => {
    const file = tmpConfigPath()
    const raw = { gateway: { auth: { token: '${GW_TOKEN}' } } }
    expect(errorOf(() => writeConfig(file, raw, { env: {} })).code).toBe('config_invalid')
    writeConfig(file, raw, { env: { GW_TOKEN: 'secret-value' } })
    const text = fs.readFileSync(file, 'utf8')
    expect(text).toContain('${GW_TOKEN}')
    expect(text).not.toContain('secret-value')
  })

  it('rotates backups up to .bak.4, all 0600', () => {
    const file = tmpConfigPath()
    for (let port = 1; port <= 7; port++) writeConfig(file, { gateway: { port } }, { env: {} })
    const portOf = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8')).gateway.port
    expect(portOf(file)).toBe(7)
    expect(backupPaths(file).map(portOf)).toEqual([6, 5, 4, 3, 2])
    for (const b of backupPaths(file)) expect(mode(b)).toBe(0o600)
    expect(fs.existsSync(`${file}.bak.5`)).toBe(false)
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual([
      'openclaw.json',
      'openclaw.json.bak',
      'openclaw.json.bak.1',
      'openclaw.json.bak.2',
      'openclaw.json.bak.3',
      'openclaw.json.bak.4',
    ])
  })

  it('does not churn backups when nothing changed', () => {
    const file = tmpConfigPath()
    writeConfig(file, { gateway: { port: 1 } }, { env: {} })
    const r = writeConfig(file, { gateway: { port: 1 } }, { env: {} })
    expect(r.written).toBe(false)
    expect(fs.existsSync(`${file}.bak`)).toBe(false)
  })

  it('writes through a symlinked config and keeps the link', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-write-link-'))
    const real = path.join(dir, 'dotfiles', 'openclaw.json')
    fs.mkdirSync(path.dirname(real))
    fs.writeFileSync(real, '{}')
    const link = path.join(dir, 'openclaw.json')
    fs.symlinkSync(real, link)
    writeConfig(link, { gateway: { port: 2 } }, { env: {} })
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true)
    expect(JSON.parse(fs.readFileSync(real, 'utf8'))).toEqual({ gateway: { port: 2 } })
    expect(fs.readFileSync(`${real}.bak`, 'utf8')).toBe('{}')
  })
})

describe('updateConfig', () => {
  it('re-reads, mutates the raw tree and returns the loaded result', () => {
    const file = tmpConfigPath()
    fs.writeFileSync(file, '{ // hand-written JSON5\n  gateway: { port: 1, auth: { token: "${T}" } } }\n')
    const r = updateConfig(file, { T: 'tok' }, (raw) => {
      ;(raw.gateway as Record<string, unknown>).port = 2
    })
    expect(r.config.gateway).toEqual({ port: 2, auth: { token: 'tok' } })
    expect(r.raw).toEqual({ gateway: { port: 2, auth: { token: '${T}' } } })
    expect(loadConfig(file, { T: 'tok' }).config.gateway?.port).toBe(2)
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toContain('hand-written')
  })

  it('a throw inside mutate leaves the file untouched and releases the lock', () => {
    const file = tmpConfigPath()
    writeConfig(file, { gateway: { port: 1 } }, { env: {} })
    const before = fs.readFileSync(file)
    expect(() =>
      updateConfig(file, {}, (raw) => {
        raw.gateway = { port: 2 }
        throw new Error('crash in the middle')
      }),
    ).toThrow('crash in the middle')
    expect(fs.readFileSync(file).equals(before)).toBe(true)
    expect(fs.readdirSync(path.dirname(file))).toEqual(['openclaw.json'])
  })

  it('never overwrites a config that does not parse', () => {
    const file = tmpConfigPath()
    fs.writeFileSync(file, '{ gateway: ')
    let called = false
    const e = errorOf(() =>
      updateConfig(file, {}, () => {
        called = true
      }),
    )
    expect(e.code).toBe('config_invalid')
    expect(called).toBe(false)
    expect(fs.readFileSync(file, 'utf8')).toBe('{ gateway: ')
  })

  it('refuses a mutation that makes the config invalid', () => {
    const file = tmpConfigPath()
    writeConfig(file, {}, { env: {} })
    const e = errorOf(() =>
      updateConfig(file, {}, (raw) => {
        raw.auth = { profiles: { 'anthropic:x': { provider: 'anthropic', mode: 'apikey' } } }
      }),
    )
    expect(e.code).toBe('config_invalid')
    expect(fs.readFileSync(file, 'utf8')).toBe('{}\n')
  })

  it('keeps a hand-written JSON5 file once, under a name the .bak rotation never reaches, and says so', () => {
    const file = tmpConfigPath()
    const handWritten = '// my gateway\n{\n  gateway: { port: 8080, }, // keep this port\n}\n'
    fs.writeFileSync(file, handWritten)
    takeWriteNotices()
    const r = updateConfig(file, {}, (raw) => {
      raw.auth = { order: { anthropic: ['anthropic:a'] } }
    })
    const dir = path.dirname(file)
    const kept = fs.readdirSync(dir).filter((n) => n.startsWith('openclaw.json.hand-written-'))
    expect(kept).toHaveLength(1)
    const keptPath = path.join(dir, kept[0]!)
    expect(fs.readFileSync(keptPath, 'utf8')).toBe(handWritten)
    expect(mode(keptPath)).toBe(0o600)
    expect(r.warnings.at(-1)).toContain(`is kept as ${keptPath}`)
    expect(takeWriteNotices()).toEqual([r.warnings.at(-1)])
    // Now plain JSON: later writes neither copy again nor warn, and six of them leave the copy.
    for (let i = 0; i < 6; i++) {
      const again = updateConfig(file, {}, (raw) => {
        raw.gateway = { port: 9000 + i }
      })
      expect(again.warnings).toEqual([])
    }
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('openclaw.json.hand-written-'))).toEqual(kept)
    expect(fs.readFileSync(keptPath, 'utf8')).toBe(handWritten)
    expect(takeWriteNotices()).toEqual([])
  })

  it('creates the file when missing', () => {
    const file = tmpConfigPath()
    const r = updateConfig(file, {}, (raw) => {
      raw.gateway = { port: 9 }
    })
    expect(r.exists).toBe(true)
    expect(mode(file)).toBe(0o600)
  })

  it('two processes updating concurrently lose no update', async () => {
    expect(fs.existsSync(DIST_WRITE), `${DIST_WRITE} missing: run the vitest globalSetup build`).toBe(true)
    const file = tmpConfigPath()
    const worker = path.join(path.dirname(file), 'worker.mjs')
    fs.writeFileSync(
      worker,
      `import { updateConfig } from ${JSON.stringify(pathToFileURL(DIST_WRITE).href)}
const [file, n, tag] = process.argv.slice(2)
for (let i = 0; i < Number(n); i++) {
  updateConfig(file, {}, (raw) => {
    const env = (raw.env ??= {})
    const vars = (env.vars ??= {})
    vars.COUNT = String(Number(vars.COUNT ?? '0') + 1)
    vars[tag + '_' + i] = 'x'
  })
}
`,
    )
    const N = 25
    const run = (tag: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [worker, file, String(N), tag], {
          stdio: ['ignore', 'ignore', 'pipe'],
        })
        let stderr = ''
        child.stderr.on('data', (d) => {
          stderr += d
        })
        child.on('close', (code) => resolve({ code, stderr }))
      })
    const results = await Promise.all([run('A'), run('B')])
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 })
    const vars = loadConfig(file, {}).config.env?.vars ?? {}
    expect(vars.COUNT).toBe(String(2 * N))
    expect(Object.keys(vars)).toHaveLength(2 * N + 1)
    expect(mode(file)).toBe(0o600)
    expect(fs.existsSync(`${file}.lock`)).toBe(false)
  })
})
