/**
 * A-03, the awkward legacy files `openclaw doctor --fix` meets in the wild: a UTF-8 BOM and
 * CRLF line ends (Windows editors), ids that differ only in case or Unicode normalisation
 * (never two credentials merged under one id), hostile ids (shown escaped), and a 50 MB file
 * (refused by its size, left byte for byte as it was; src/migrate/read-legacy-file.test.ts
 * proves it is not read at all).
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary, declareInput, expectNoCanary, makeTempHome, type TempHome } from './support/cli.ts'

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON reports
type Loose = Record<string, any>

const agentDir = (t: TempHome) => path.join(t.stateDir, 'agents', 'main', 'agent')

function writeLegacy(t: TempHome, name: string, text: string): string {
  const file = path.join(agentDir(t), name)
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  fs.writeFileSync(file, text, { mode: 0o600 })
  declareInput(file, text)
  return file
}

function stored(t: TempHome): Record<string, unknown> {
  if (!fs.existsSync(t.storePath())) return {}
  const store = CredentialStore.open(t.storePath(), { readonly: true })
  try {
    return Object.fromEntries(store.listProfiles().map((p) => [p.id, p.credential]))
  } finally {
    store.close()
  }
}

const migration = (out: Loose, name: string) => out.migrations.find((m: Loose) => m.migration === name)

describe('A-03 legacy files doctor --fix meets in the wild', () => {
  it('a UTF-8 BOM and CRLF line ends import like any other file, values without a stray CR', async () => {
    const t = makeTempHome()
    const [a, o] = [canary('sk-ant-api03-'), canary('sk-or-v1-')]
    const crlf = (lines: string[]) => `\ufeff${lines.join('\r\n')}\r\n`
    writeLegacy(
      t,
      'auth-profiles.json',
      crlf([
        '{',
        '  "version": 1,',
        '  "profiles": {',
        `    "anthropic:work": { "type": "api_key", "provider": "anthropic", "key": "${a}" }`,
        '  }',
        '}',
      ]),
    )
    writeLegacy(t, 'auth.json', crlf(['{', `  "openrouter": { "apiKey": "${o}" }`, '}']))
    const fix = await t.run(['doctor', '--fix', '--json'])
    expect(fix.code, fix.stderr).toBe(0)
    const out = JSON.parse(fix.stdout) as Loose
    expect(migration(out, 'auth-profiles.json')).toMatchObject({
      status: 'imported',
      imported: ['anthropic:work'],
      rejected: [],
    })
    expect(migration(out, 'auth.json')).toMatchObject({
      status: 'imported',
      imported: ['openrouter:default'],
      rejected: [],
    })
    expect(stored(t)).toEqual({
      'anthropic:work': { type: 'api_key', provider: 'anthropic', key: a },
      'openrouter:default': { type: 'api_key', provider: 'openrouter', key: o },
    })
    expectNoCanary([fix.stdout, fix.stderr], [a, o])
  })

  it('ids differing only in case or normalisation are never merged; each refusal names both sides', async () => {
    const t = makeTempHome()
    const k = {
      work: canary('sk-ant-api03-'),
      workLower: canary('sk-ant-api03-'),
      nfc: canary('sk-ant-api03-'),
      nfd: canary('sk-ant-api03-'),
      esc: canary('sk-ant-api03-'),
      openai: canary('sk-proj-'),
      openaiCaps: canary('sk-proj-'),
    }
    const entry = (key: string) => ({ type: 'api_key', provider: 'anthropic', key })
    writeLegacy(
      t,
      'auth-profiles.json',
      JSON.stringify({
        version: 1,
        profiles: {
          'anthropic:Work': entry(k.work),
          'anthropic:work': entry(k.workLower),
          'anthropic:caf\u00e9': entry(k.nfc),
          'anthropic:cafe\u0301': entry(k.nfd),
          'anthropic:\u001b[31mred\u202e': entry(k.esc),
        },
      }),
    )
    writeLegacy(
      t,
      'auth.json',
      JSON.stringify({ openai: { apiKey: k.openai }, OpenAI: { apiKey: k.openaiCaps } }),
    )

    // Before the fix doctor lists what it would refuse, escaped: both spellings of "café" are
    // told apart and no escape sequence or bidi override reaches the terminal.
    const look = await t.run(['doctor'])
    expect(look.stdout).toContain('anthropic:caf\\u00e9 (invalid_id: the id contains non-ASCII characters')
    expect(look.stdout).toContain('anthropic:cafe\\u0301 (invalid_id:')
    expect(look.stdout).toContain('anthropic:\\u001b[31mred\\u202e (invalid_id:')
    expect(look.stdout).toContain(
      'anthropic:work (duplicate_id: differs only in letter case from "anthropic:Work" earlier in the file',
    )
    expect(look.stdout).not.toMatch(/[^\n\x20-\x7e]/)

    const fix = await t.run(['doctor', '--fix', '--json'])
    expect(fix.code, fix.stderr).toBe(0)
    const out = JSON.parse(fix.stdout) as Loose
    const ap = migration(out, 'auth-profiles.json')
    expect(ap.imported).toEqual(['anthropic:Work'])
    expect(ap.rejected.map((r: Loose) => [r.id, r.reason])).toEqual([
      ['anthropic:work', 'duplicate_id'],
      ['anthropic:caf\u00e9', 'invalid_id'],
      ['anthropic:cafe\u0301', 'invalid_id'],
      ['anthropic:\u001b[31mred\u202e', 'invalid_id'],
    ])
    const flat = migration(out, 'auth.json')
    expect(flat.imported).toEqual(['openai:default'])
    expect(flat.rejected).toEqual([
      {
        id: 'openai:default',
        reason: 'duplicate_id',
        detail:
          'key "OpenAI" maps to openai:default, as key "openai" earlier in the file does; only the first is considered, this entry was not imported',
      },
    ])
    // Exactly the first of each pair, with its own key: nothing merged, nothing overwritten.
    expect(stored(t)).toEqual({
      'anthropic:Work': { type: 'api_key', provider: 'anthropic', key: k.work },
      'openai:default': { type: 'api_key', provider: 'openai', key: k.openai },
    })
    expectNoCanary([look.stdout, look.stderr, fix.stdout, fix.stderr], Object.values(k))
  })

  it('a 50 MB file is refused by its size with a clear message and left byte for byte; the agent keeps failing closed', async () => {
    const t = makeTempHome()
    const key = canary('sk-ant-api03-')
    const head = `{"version":1,"profiles":{"anthropic:big":{"type":"api_key","provider":"anthropic","key":"${key}"}}`
    const text = `${head}${' '.repeat(50 * 1024 * 1024 - head.length - 2)}}\n`
    const file = writeLegacy(t, 'auth-profiles.json', text)
    const digest = () => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
    const before = { digest: digest(), mtimeMs: fs.statSync(file).mtimeMs }
    const tooLarge = `${file} is larger than the 16 MiB limit for auth files (${Buffer.byteLength(text)} bytes or more; real ones are a few KB); not read, left untouched.`
    try {
      const status = await t.run(['models', 'status', '--check'])
      expect(status.code).toBe(1)
      expect(status.stderr).toContain('AUTH_PROFILE_MIGRATION_REQUIRED')

      const look = await t.run(['doctor'])
      expect(look.code).toBe(1)
      expect(look.stdout).toContain(tooLarge)

      const fix = await t.run(['doctor', '--fix', '--json'])
      expect(fix.code).toBe(1)
      expect(migration(JSON.parse(fix.stdout), 'auth-profiles.json')).toMatchObject({
        status: 'failed',
        imported: [],
        error: expect.stringContaining(tooLarge),
      })
      expect(stored(t)).toEqual({})
      expect({ digest: digest(), mtimeMs: fs.statSync(file).mtimeMs }).toEqual(before)
      expectNoCanary([status.stdout, status.stderr, look.stdout, look.stderr, fix.stdout, fix.stderr], [key])
    } finally {
      // 50 MB is not worth keeping for the canary scan (legacy files are inputs it skips).
      fs.rmSync(file, { force: true })
    }
  })
})
