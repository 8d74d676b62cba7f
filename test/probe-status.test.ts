/**
 * `openclaw models status --probe` end to end: the real binary against the mock provider,
 * through the gateway's own upstream code. A probe never leaves a cooldown behind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary, expectNoCanary, makeTempHome, type TempHome } from './support/cli.ts'
import { providerConfig, startTestGateway } from './support/gateway-harness.ts'
import { startMockOAuthServer } from './support/mock-oauth-server.ts'
import { type MockProvider, type RecordedRequest, startMockProvider } from './support/mock-provider/index.ts'

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(async () => {
  await mock.close()
})
afterEach(() => {
  mock.reset()
})

function home(profiles: Record<string, string>, extra: Record<string, unknown> = {}): TempHome {
  const t = makeTempHome()
  t.writeConfig({
    models: { providers: providerConfig(mock) },
    agents: { defaults: { model: 'anthropic/claude-probe' } },
    ...extra,
  })
  const store = CredentialStore.open(t.storePath())
  for (const [id, key] of Object.entries(profiles))
    store.upsertProfile(id, { type: 'api_key', provider: 'anthropic', key })
  store.close()
  return t
}

function storeState(t: TempHome) {
  const store = CredentialStore.open(t.storePath(), { readonly: true })
  try {
    return [...store.listStates().values()]
  } finally {
    store.close()
  }
}

describe('models status --probe', () => {
  it('three profiles (ok / 401 / 429) report ok, auth, rate_limit and leave no cooldown behind', async () => {
    const [ok, bad, limited] = [canary('sk-ant-api03-'), canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(ok, { kind: 'ok', text: 'OK' })
    mock.setBehavior(bad, { kind: 'auth' })
    mock.setBehavior(limited, { kind: 'rate_limit', retryAfterSeconds: 30 })
    const t = home({ 'anthropic:ok': ok, 'anthropic:bad': bad, 'anthropic:limited': limited })
    const res = await t.run(['models', 'status', '--probe', '--json', '--probe-timeout', '5000'])
    expect(res.code).toBe(0)
    const probes = JSON.parse(res.stdout).auth.probes
    expect(probes.totalTargets).toBe(3)
    expect(probes.options).toMatchObject({ timeoutMs: 5000, concurrency: 2, maxTokens: 8 })
    const byId = Object.fromEntries(probes.results.map((r: { profileId: string }) => [r.profileId, r]))
    expect(byId['anthropic:ok']).toMatchObject({
      status: 'ok',
      source: 'profile',
      mode: 'api_key',
      model: 'anthropic/claude-probe',
    })
    expect(byId['anthropic:bad']).toMatchObject({ status: 'auth', source: 'profile' })
    expect(byId['anthropic:limited']).toMatchObject({ status: 'rate_limit' })
    for (const r of probes.results) expect(r.latencyMs).toBeLessThan(5000)
    expect(byId['anthropic:ok'].reasonCode).toBeUndefined()
    // The probe request is the minimal one, sent with the profile's own key.
    const sent = mock.requests.find((r) => r.credential === ok) as RecordedRequest
    expect(sent.path).toBe('/v1/messages')
    expect(sent.body).toMatchObject({
      model: 'claude-probe',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'Reply with OK.' }],
    })
    expect(sent.body.stream).toBe(false)
    // No cooldown, no failure count, no lastUsed: the store is exactly as before.
    expect(storeState(t)).toEqual([])
    expectNoCanary([res.stdout, res.stderr], [ok, bad, limited])

    const human = await t.run([
      'models',
      'status',
      '--probe',
      '--probe-profile',
      'anthropic:ok,anthropic:bad',
    ])
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('Auth probes')
    expect(human.stdout).toMatch(/anthropic\/claude-probe\s+anthropic:ok \(api_key\)\s+ok · \d+ms/)
    expect(human.stdout).toMatch(/anthropic:bad \(api_key\)\s+auth · \d+ms/)
    expect(human.stdout).toMatch(/↳ .*401/)
    expect(human.stdout).toMatch(/Probed 2 target\(s\) in \d/)
    expect(human.stdout).not.toContain('anthropic:limited (api_key)')
    // Piped stderr is not a TTY: no progress line.
    expect(human.stderr).not.toContain('Probing')
    expect(storeState(t)).toEqual([])
    expectNoCanary([human.stdout, human.stderr], [ok, bad, limited])
  })

  it('a profile outside the explicit order reports excluded_by_auth_order without a request', async () => {
    const [inOrder, outside] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setDefault({ kind: 'ok' })
    const t = home(
      { 'anthropic:main': inOrder, 'anthropic:spare': outside },
      { auth: { order: { anthropic: ['anthropic:main'] } } },
    )
    const res = await t.run(['models', 'status', '--probe', '--json'])
    expect(res.code).toBe(0)
    const results = JSON.parse(res.stdout).auth.probes.results
    expect(results.find((r: { profileId: string }) => r.profileId === 'anthropic:spare')).toMatchObject({
      status: 'unknown',
      reasonCode: 'excluded_by_auth_order',
      error: 'Excluded by auth.order for this provider.',
      latencyMs: null,
    })
    expect(results.find((r: { profileId: string }) => r.profileId === 'anthropic:main')).toMatchObject({
      status: 'ok',
    })
    expect(mock.callsFor(outside)).toBe(0)
    expect(mock.callsFor(inOrder)).toBe(1)
  })

  it('an expired token is pre-emitted with the legacy message and never sent', async () => {
    const t = home({})
    const token = canary('sk-ant-oat01-')
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('anthropic:old', {
      type: 'token',
      provider: 'anthropic',
      token,
      expires: Date.now() - 60_000,
    })
    store.close()
    const res = await t.run(['models', 'status', '--probe'])
    expect(res.stdout).toContain('↳ Auth profile credentials are missing or expired.')
    expect(res.stdout).toMatch(/↳ Auth reason \[expired\]: Token expired at /)
    expect(mock.callsFor(token)).toBe(0)
    expectNoCanary([res.stdout, res.stderr], [token])
  })

  it('a hanging upstream is cut at --probe-timeout, and no more than --probe-concurrency probes run at once', async () => {
    const keys = [1, 2, 3, 4, 5].map(() => canary('sk-ant-api03-'))
    for (const k of keys) mock.setBehavior(k, { kind: 'hang' })
    const t = home(Object.fromEntries(keys.map((k, i) => [`anthropic:h${i}`, k])))
    const started = Date.now()
    const res = await t.run([
      'models',
      'status',
      '--probe',
      '--json',
      '--probe-timeout',
      '300',
      '--probe-concurrency',
      '2',
    ])
    const elapsed = Date.now() - started
    expect(res.code).toBe(0)
    const probes = JSON.parse(res.stdout).auth.probes
    expect(probes.results).toHaveLength(5)
    for (const r of probes.results) {
      expect(r.status).toBe('timeout')
      expect(r.latencyMs).toBeGreaterThanOrEqual(290)
      expect(r.latencyMs).toBeLessThan(2000)
    }
    expect(mock.requests.filter((r) => keys.includes(r.credential ?? ''))).toHaveLength(5)
    // At most 2 at once: with 2 lanes any 3 requests hold two of one lane, and a lane's next
    // probe starts only after its last one was cut at 300 ms (3 at once would arrive ~0 ms
    // apart). Counting open requests at the mock instead raced a request on a connection the
    // client had opened ahead against the mock noticing the aborted one's close.
    const at = mock.requests
      .filter((r) => keys.includes(r.credential ?? ''))
      .map((r) => r.at)
      .sort((a, b) => a - b)
    for (let i = 0; i + 2 < at.length; i++) expect(at[i + 2]! - at[i]!).toBeGreaterThan(150)
    // 5 targets, 2 at a time, 300 ms each: three rounds, far below the 8 s default.
    expect(elapsed).toBeLessThan(8000)
    expect(storeState(t)).toEqual([])
  })

  it('env credential is probed when a provider has no profiles; a provider without a model reports no_model', async () => {
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'ok' })
    const t = makeTempHome()
    t.writeConfig({
      models: {
        providers: {
          ...providerConfig(mock),
          openrouter: { baseUrl: `${mock.url}/v1`, api: 'openai-completions' },
        },
      },
      agents: { defaults: { model: 'anthropic/claude-env' } },
    })
    const res = await t.run(['models', 'status', '--probe', '--json'], {
      env: { ANTHROPIC_API_KEY: key, OPENROUTER_API_KEY: canary('sk-or-') },
    })
    expect(res.code).toBe(0)
    const results = JSON.parse(res.stdout).auth.probes.results
    expect(results.find((r: { provider: string }) => r.provider === 'anthropic')).toMatchObject({
      source: 'env',
      profileId: null,
      mode: 'api_key',
      status: 'ok',
    })
    expect(results.find((r: { provider: string }) => r.provider === 'openrouter')).toMatchObject({
      status: 'no_model',
      reasonCode: 'no_model',
    })
  })

  it('rejects bad probe flags with a usage error (64) and a specific message', async () => {
    const t = makeTempHome()
    const cases: Array<[string[], RegExp]> = [
      [['--probe', '--plain'], /--probe cannot be combined with --plain/],
      [
        ['--probe', '--probe-timeout', '0'],
        /--probe-timeout must be a positive whole number of milliseconds/,
      ],
      [['--probe', '--probe-concurrency=-1'], /--probe-concurrency must be a positive whole number/],
      [['--probe', '--probe-max-tokens', 'abc'], /--probe-max-tokens must be a positive whole number/],
      [['--probe-timeout', '100'], /--probe-timeout only applies together with --probe/],
    ]
    for (const [args, msg] of cases) {
      const res = await t.run(['models', 'status', ...args])
      expect(res.code, args.join(' ')).toBe(64)
      expect(res.stderr).toMatch(msg)
    }
  })

  it('an expired but refreshable OAuth profile is refreshed first, then probed with the new token', async () => {
    const as = await startMockOAuthServer()
    try {
      const fam = as.issueFamily({ email: 'probe@example.com' })
      const staleAccess = fam.current.access
      mock.setDefault({ kind: 'ok' })
      const t = makeTempHome()
      t.writeConfig({
        models: {
          providers: {
            openai: {
              baseUrl: `${mock.url}/v1`,
              api: 'openai-completions',
              oauth: { tokenUrl: as.tokenUrl, clientId: as.clientId },
            },
          },
        },
        agents: { defaults: { model: 'openai/gpt-probe' } },
      })
      const store = CredentialStore.open(t.storePath())
      store.upsertProfile('openai:probe@example.com', {
        type: 'oauth',
        provider: 'openai',
        access: staleAccess,
        refresh: fam.current.refresh,
        expires: Date.now() - 60_000,
      })
      store.close()
      const res = await t.run(['models', 'status', '--probe', '--json'])
      expect(res.code, res.stderr).toBe(0)
      const r = JSON.parse(res.stdout).auth.probes.results[0]
      expect(r).toMatchObject({ profileId: 'openai:probe@example.com', mode: 'oauth', status: 'ok' })
      expect(as.refreshCalls).toHaveLength(1)
      const sent = mock.requests.at(-1) as RecordedRequest
      expect(sent.credential).toBe(as.family(fam.id)?.current.access)
      expect(sent.credential).not.toBe(staleAccess)
      expect(storeState(t).flatMap((s) => s.cooldowns)).toEqual([])
      expectNoCanary([res.stdout, res.stderr], [staleAccess, fam.current.refresh])
    } finally {
      await as.close()
    }
  })

  it('probing works while a gateway serves the same state dir', async () => {
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'ok' })
    const gw = await startTestGateway({
      mock,
      config: { agents: { defaults: { model: 'anthropic/claude-live' } } },
      profiles: { 'anthropic:live': { type: 'api_key', provider: 'anthropic', key } },
    })
    try {
      const res = await gw.home.run(['models', 'status', '--probe', '--json'], { env: gw.env })
      expect(res.code, res.stderr).toBe(0)
      expect(JSON.parse(res.stdout).auth.probes.results).toEqual([
        expect.objectContaining({ profileId: 'anthropic:live', status: 'ok' }),
      ])
      const viaGateway = await fetch(`${gw.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({
          model: 'anthropic/claude-live',
          max_tokens: 8,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      })
      expect(viaGateway.status).toBe(200)
    } finally {
      await gw.close()
    }
  })
})
