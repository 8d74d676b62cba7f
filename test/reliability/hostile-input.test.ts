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

  // A-07 / E-02: a key Node's header layer cannot carry (here `€`, outside Latin-1, which made
  // Node throw mid-request: a gateway 500 and no failover) is refused at ingest; one that got
  // into the store another way (a hand-edited row, a legacy import, a SecretRef) fails with our
  // own error naming the profile, is disabled, and the failover moves on to the next profile.
  it('a non-Latin-1 key is refused at ingest; one already stored or behind a SecretRef is skipped, not a 500', async () => {
    const home = makeTempHome()
    const key = `sk-proj-\u20ac${canary('')}`
    const refKey = `sk-proj-\u20ac${canary('')}`
    const good = canary('sk-proj-')
    const paste = await runMain(
      ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', 'openai:euro'],
      { env: home.env, cwd: home.home, stdin: `${key}\n` },
    )
    expect(paste.code, paste.stderr).toBe(1)
    expect(paste.stderr).toContain(
      'Credential for profile openai:euro contains a character outside printable ASCII (such as €, an accented letter or a typographic quote), which an HTTP header cannot carry.',
    )
    const byRef = await runMain(
      [
        'models',
        'auth',
        'paste-api-key',
        '--provider',
        'openai',
        '--profile-id',
        'openai:ref',
        '--ref',
        'env:default:EURO_KEY',
      ],
      { env: { ...home.env, EURO_KEY: refKey }, cwd: home.home },
    )
    expect(byRef.code, byRef.stderr).toBe(1)
    expect(byRef.stderr).toContain(
      'environment variable EURO_KEY contains a character outside printable ASCII',
    )
    const refused = CredentialStore.open(home.storePath(), { readonly: true })
    expect(refused.listProfiles()).toEqual([])
    refused.close()

    mock.setDefault({ kind: 'ok' })
    const latin = `sk-proj-\u00e9${canary('')}`
    const gw = await startTestGateway({
      mock,
      env: { EURO_KEY: refKey },
      config: { auth: { order: { openai: ['openai:ref', 'openai:euro', 'openai:latin', 'openai:good'] } } },
      profiles: {
        'openai:ref': {
          type: 'api_key',
          provider: 'openai',
          keyRef: { source: 'env', provider: 'default', id: 'EURO_KEY' },
        },
        'openai:euro': { type: 'api_key', provider: 'openai', key },
        'openai:latin': { type: 'api_key', provider: 'openai', key: latin },
        'openai:good': { type: 'api_key', provider: 'openai', key: good },
      },
    })
    const ask = (model: string) =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      })
    const texts: string[] = []
    try {
      // Pinned to the stored key alone: a 401 naming the profile and the rule, not a gateway 500.
      const pinned = await ask('openai/gpt-x@openai:euro')
      texts.push(await pinned.text())
      expect(pinned.status, texts[0]).toBe(401)
      const message = (JSON.parse(texts[0]!) as { error: { message: string } }).error.message
      expect(message).toContain(
        'openai:euro: Credential for profile openai:euro contains a character outside printable ASCII',
      )
      expect(gw.state.view('main').states.get('openai:euro')?.disabled?.reason).toBe('auth_permanent')

      // In rotation: the SecretRef is refused when resolved, the disabled key skipped, the
      // Latin-1 key (Node would have sent it as a byte no provider matches) fails on our side,
      // and the good key serves. Only the good key ever reaches the provider.
      const res = await ask('openai/gpt-x')
      texts.push(await res.text())
      expect(res.status, texts[1]).toBe(200)
      expect(res.headers.get('x-openclaw-auth-profile')).toBe('openai:good')
      expect(mock.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${good}`])
      expect(gw.state.view('main').states.get('openai:latin')?.disabled?.reason).toBe('auth_permanent')
      expect(gw.logs.join('\n')).toContain('via openai:latin failed: auth_permanent')
      expect(gw.logs.join('\n')).not.toContain('Invalid character in header content')
      expectNoCanary(
        [...texts, ...gw.logs, paste.stdout, paste.stderr, byRef.stdout, byRef.stderr],
        [key, key.slice(9), refKey, refKey.slice(9), latin.slice(9)],
      )
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
    ['interior no-break space', (c) => `${c.slice(0, 10)}\u00a0${c.slice(10)}`, /contains whitespace/],
    ['Latin-1 letter', (c) => `${c.slice(0, 10)}\u00e9${c.slice(10)}`, /outside printable ASCII/],
    ['euro sign', (c) => `${c.slice(0, 10)}\u20ac${c.slice(10)}`, /outside printable ASCII/],
    ['typographic quotes', (c) => `\u201c${c}\u201d`, /outside printable ASCII/],
    ['zero-width space', (c) => `${c.slice(0, 10)}\u200b${c.slice(10)}`, /outside printable ASCII/],
    ['bidi override', (c) => `${c.slice(0, 10)}\u202e${c.slice(10)}`, /outside printable ASCII/],
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
