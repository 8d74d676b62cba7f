/**
 * hostile profile, agent and provider ids at every CLI boundary and in the gateway's
 * x-openclaw-agent-id header: refused with the rule in the message, no raw control character
 * echoed to the terminal, and nothing created anywhere (not even inside the state dir).
 * credential values with CR, LF, NUL, DEL, trailing newline, surrounding spaces,
 * non-ASCII and 1 MiB: normalised or refused at ingest, never accepted to fail later.
 * The pure validators behind these get property tests in test/property/.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { canary, expectNoCanary, makeTempHome, type TempHome } from '../support/cli.ts'
import { startTestGateway } from '../support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from '../support/mock-provider/index.ts'
import { rawControlChars, runMain } from './harness/in-process-cli.ts'

const HOSTILE: readonly string[] = [
  '../x',
  '..',
  '../../outside',
  'a/b',
  '/etc/passwd',
  'a\\b',
  '%2e%2e%2f',
  '\x00',
  'a\x00b',
  'a\r\nb',
  '\x1b[31mred',
  '-rf',
  'x'.repeat(300),
  'e\u0301',
  '\u00e9',
  '   ',
  '',
  '\u{1f980}',
  'a\u202eb',
  'a b',
]

/** Every path under `dir` (names only), to prove a refused command created nothing. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => !/-(wal|shm)$/.test(p))
    .sort()
}

let t: TempHome
let before: string[]
let outsideBefore: string[]

beforeAll(async () => {
  t = makeTempHome()
  const seed = await runMain(
    ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', 'openai:ok'],
    {
      env: t.env,
      cwd: t.home,
      stdin: `${canary('sk-proj-')}\n`,
    },
  )
  expect(seed.code, seed.stderr).toBe(0)
  before = tree(t.home)
  outsideBefore = fs.readdirSync(path.dirname(t.home)).filter((n) => /^(x|outside|passwd)$/.test(n))
})

afterAll(() => {
  expect(tree(t.home)).toEqual(before)
  expect(fs.readdirSync(path.dirname(t.home)).filter((n) => /^(x|outside|passwd)$/.test(n))).toEqual(
    outsideBefore,
  )
})

function expectRefused(r: { code: number; stdout: string; stderr: string }, what: string): void {
  expect([1, 64], `${what}: exit ${r.code}\n${r.stderr}`).toContain(r.code)
  expect(r.stdout, what).toBe('')
  expect(r.stderr, what).toMatch(/^Error: /)
  expect(rawControlChars(r.stdout + r.stderr), what).toEqual([])
}

describe('A-05 hostile ids at the CLI boundary', () => {
  it.each(HOSTILE.map((h) => [JSON.stringify(h), h]))('--profile-id openai:%s and %s', async (_, h) => {
    for (const id of [`openai:${h}`, h]) {
      const secret = canary('sk-proj-')
      const r = await runMain(
        ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', id],
        {
          env: t.env,
          cwd: t.home,
          stdin: `${secret}\n`,
        },
      )
      expectRefused(r, `profile id ${JSON.stringify(id)}`)
      if (r.code === 1) expect(r.stderr).toMatch(/Invalid auth profile id|is for .*, not openai/)
      expectNoCanary([r.stdout, r.stderr], [secret])
    }
  })

  it.each(HOSTILE.map((h) => [JSON.stringify(h), h]))('--agent %s', async (_, h) => {
    for (const argv of [
      ['models', 'status', '--json', '--agent', h],
      ['models', 'auth', 'list', '--agent', h],
      ['models', 'auth', 'order', 'set', '--agent', h, '--provider', 'openai', 'openai:ok'],
    ]) {
      const r = await runMain(argv, { env: t.env, cwd: t.home })
      expectRefused(r, `${argv.slice(0, 3).join(' ')} --agent ${JSON.stringify(h)}`)
      if (r.code === 1) expect(r.stderr).toContain('Invalid agent id')
    }
  })

  it.each(HOSTILE.map((h) => [JSON.stringify(h), h]))(
    '--provider %s and positional profile ids',
    async (_, h) => {
      const paste = await runMain(['models', 'auth', 'paste-api-key', '--provider', h], {
        env: t.env,
        cwd: t.home,
        stdin: 'unused\n',
      })
      expectRefused(paste, `--provider ${JSON.stringify(h)}`)
      for (const argv of [
        ['models', 'auth', 'logout', '--yes', `openai:${h}`],
        ['models', 'auth', 'clear-cooldown', `openai:${h}`],
      ]) {
        const r = await runMain(argv, { env: t.env, cwd: t.home })
        expectRefused(r, `${argv[2]} ${JSON.stringify(h)}`)
      }
    },
  )
})

describe('A-05 Windows device names', () => {
  it('CON is an ordinary id on Linux: kept as a store row, never a file name', async () => {
    const home = makeTempHome()
    const r = await runMain(
      ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', 'openai:CON'],
      {
        env: home.env,
        cwd: home.home,
        stdin: `${canary('sk-proj-')}\n`,
      },
    )
    expect(r.code, r.stderr).toBe(0)
    const agent = await runMain(['models', 'status', '--json', '--agent', 'CON'], {
      env: home.env,
      cwd: home.home,
    })
    expect(agent.code, agent.stderr).toBe(0)
    expect(tree(home.home).filter((p) => /(^|\/)CON$/i.test(p))).toEqual([])
  })
})

describe('A-05 hostile agent ids in the gateway header', () => {
  let mock: MockProvider
  beforeAll(async () => {
    mock = await startMockProvider()
  })
  afterAll(async () => {
    await mock.close()
  })

  it('every header value that is not an agent id gets a 400 JSON error and creates nothing', async () => {
    const gw = await startTestGateway({ mock })
    try {
      // fetch refuses CR/LF/NUL and non-Latin-1 in header values itself; the rest reach the gateway.
      const values = HOSTILE.filter((h) => h !== '' && /^[\x20-\x7e]+$/.test(h) && h.trim() === h)
      for (const v of values) {
        const res = await fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-openclaw-agent-id': v },
          body: JSON.stringify({ model: 'openai/gpt-x', messages: [{ role: 'user', content: 'hi' }] }),
        })
        const body = (await res.json()) as { error?: { message?: string } }
        expect(res.status, v).toBe(400)
        expect(body.error?.message, v).toContain('Invalid agent id')
        expect(rawControlChars(body.error?.message ?? ''), v).toEqual([])
      }
      expect(tree(path.join(gw.home.stateDir, 'agents')).filter((p) => !p.startsWith('main'))).toEqual([])
      expect(mock.requests).toEqual([])
    } finally {
      await gw.close()
    }
  })

  // KNOWN GAP (A-07 / E-02), asserted as it is today: ingest accepts any non-ASCII key, and one
  // outside Latin-1 only fails at request time, inside Node's header validation, which the gateway
  // does not catch: a 500 "internal gateway error" and no failover to the next profile. Intended:
  // refuse at ingest (src/auth/secret-input.ts) and classify in credentialHeaders
  // (src/providers/credential-headers.ts) like the control-character case.
  it('KNOWN GAP: a key with a non-Latin-1 character is accepted at ingest and fails later with a gateway 500', async () => {
    const home = makeTempHome()
    const key = `sk-proj-\u20ac${canary('')}`
    const paste = await runMain(
      ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', 'openai:euro'],
      {
        env: home.env,
        cwd: home.home,
        stdin: `${key}\n`,
      },
    )
    expect(paste.code, paste.stderr).toBe(0)
    mock.setDefault({ kind: 'ok' })
    const gw = await startTestGateway({
      mock,
      profiles: { 'openai:euro': { type: 'api_key', provider: 'openai', key } },
    })
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-x', messages: [{ role: 'user', content: 'hi' }] }),
      })
      const text = await res.text()
      expect(res.status).toBe(500)
      expect(JSON.parse(text)).toEqual({ error: { type: 'api_error', message: 'internal gateway error' } })
      expect(gw.logs.join('\n')).toContain('Invalid character in header content ["authorization"]')
      expectNoCanary([text, ...gw.logs, paste.stdout, paste.stderr], [key, key.slice(9)])
      expect(mock.requests).toEqual([])
    } finally {
      await gw.close()
      mock.reset()
    }
  })
})

describe('A-07 credential values at ingest', () => {
  // Its own home: saving and removing profiles rotates openclaw.json backups.
  let home: TempHome
  beforeAll(() => {
    home = makeTempHome()
  })
  const cases: Array<[string, (c: string) => string, 'stored-trimmed' | RegExp]> = [
    ['trailing LF (echo >file)', (c) => `${c}\n`, 'stored-trimmed'],
    ['trailing CRLF', (c) => `${c}\r\n`, 'stored-trimmed'],
    ['surrounding spaces and tabs', (c) => `  \t${c}  `, 'stored-trimmed'],
    ['UTF-8 BOM', (c) => `\uFEFF${c}`, 'stored-trimmed'],
    ['interior CR', (c) => `${c.slice(0, 10)}\r${c.slice(10)}`, /contains control characters/],
    ['interior LF', (c) => `${c.slice(0, 10)}\n${c.slice(10)}`, /contains control characters/],
    ['interior NUL', (c) => `${c.slice(0, 10)}\x00${c.slice(10)}`, /contains control characters/],
    ['interior DEL', (c) => `${c.slice(0, 10)}\x7f${c.slice(10)}`, /contains control characters/],
    ['interior ESC', (c) => `${c.slice(0, 10)}\x1b${c.slice(10)}`, /contains control characters/],
    ['interior space', (c) => `${c.slice(0, 10)} ${c.slice(10)}`, /contains whitespace/],
    ['two keys on two lines', (c) => `${c}\n${c}x\n`, /contains control characters/],
    ['65 KiB', (c) => `${c}${'a'.repeat(65 * 1024)}`, /too large/],
    ['1 MiB + 1 on stdin', (c) => `${c}${'a'.repeat(1024 * 1024)}`, /larger than 1 MiB/],
    ['empty', () => '\n', /No credential received/],
  ]

  it.each(cases)('%s', async (name, make, expected) => {
    const secret = canary('sk-proj-')
    const id = `openai:a07-${name
      .replace(/[^a-z0-9]+/gi, '-')
      .toLowerCase()
      .replace(/-+$/, '')}`
    const r = await runMain(['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', id], {
      env: home.env,
      cwd: home.home,
      stdin: make(secret),
    })
    const store = CredentialStore.open(home.storePath(), { readonly: true })
    const stored = store.getProfile(id)?.credential
    store.close()
    if (expected === 'stored-trimmed') {
      expect(r.code, r.stderr).toBe(0)
      expect(stored).toEqual({ type: 'api_key', provider: 'openai', key: secret })
    } else {
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(expected)
      if (!name.includes('stdin')) expect(r.stderr).toContain(`profile ${id}`)
      expect(stored).toBeUndefined()
    }
    expectNoCanary([r.stdout, r.stderr], [secret])
    expect(rawControlChars(r.stdout + r.stderr)).toEqual([])
  })
})
