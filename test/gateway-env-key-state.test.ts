/**
 * Env-key cooldowns are routing state in the store (P2-4): another process's `models status`
 * sees them and names the key the gateway really uses, a restarted gateway keeps them, they
 * stay with the key when the list is reordered, and `clear-cooldown env:<VAR>[n]` clears them
 * for a running gateway at once.
 */
import { once } from 'node:events'
import Anthropic from '@anthropic-ai/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary, expectNoCanary, runCli } from './support/cli.ts'
import { startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

let mock: MockProvider
let gw: TestGateway | undefined

beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(async () => {
  await mock.close()
})
afterEach(async () => {
  await gw?.close()
  gw = undefined
  mock.reset()
})

const MODEL = 'anthropic/claude-x'

async function ask(g: TestGateway, headers: Record<string, string> = {}): Promise<string | null> {
  const client = new Anthropic({
    apiKey: 'client-key',
    baseURL: g.url,
    maxRetries: 0,
    defaultHeaders: headers,
  })
  const { response } = await client.messages
    .create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
    .withResponse()
  return response.headers.get('x-openclaw-auth-profile')
}

async function status(g: TestGateway, env: Record<string, string> = g.env) {
  const res = await runCli(['models', 'status', '--json'], { env, cwd: g.home.home })
  expect(res.code, res.stderr).toBe(0)
  const report = JSON.parse(res.stdout)
  return {
    res,
    report,
    anthropic: report.auth.providers.find((p: { provider: string }) => p.provider === 'anthropic'),
  }
}

describe('env-key cooldowns persist in the store', () => {
  it('status in another process, a gateway restart, reordering and clear-cooldown all see the same cooldown', async () => {
    const [k1, k2] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(k1, [
      { kind: 'rate_limit', retryAfterSeconds: 120 },
      { kind: 'ok', text: 'k1' },
    ])
    mock.setBehavior(k2, { kind: 'ok', text: 'k2' })
    const config = { agents: { defaults: { model: { primary: MODEL } } } }
    gw = await startTestGateway({ mock, config, env: { ANTHROPIC_API_KEYS: `${k1},${k2}` } })
    expect(await ask(gw)).toBe('env:ANTHROPIC_API_KEYS[1]')
    expect(mock.callsFor(k1)).toBe(1)

    // Another process: the effective key is the one the gateway uses now, and the cooldown is listed.
    const s1 = await status(gw)
    expect(s1.anthropic.effective).toEqual({ kind: 'env', detail: 'env: ANTHROPIC_API_KEYS[1]' })
    expect(s1.anthropic.env).toMatchObject({ source: 'env: ANTHROPIC_API_KEYS[1]', count: 2 })
    expect(s1.report.auth.unusableKeys).toEqual([
      expect.objectContaining({
        key: 'env:ANTHROPIC_API_KEYS[0]',
        keyId: expect.stringMatching(/^env:anthropic:ANTHROPIC_API_KEYS#[0-9a-f]{12}$/),
        provider: 'anthropic',
        kind: 'cooldown',
        reason: 'rate_limit',
        model: 'claude-x',
        recovery: expect.stringContaining('openclaw models auth clear-cooldown env:ANTHROPIC_API_KEYS[0]'),
      }),
    ])
    expect(s1.report.auth.unusableKeys[0].remainingMs).toBeGreaterThan(60_000)
    const text = await runCli(['models', 'status'], { env: gw.env, cwd: gw.home.home })
    expect(text.stdout).toContain('Unavailable env/config keys')
    expect(text.stdout).toContain('- env:ANTHROPIC_API_KEYS[0] cooldown (rate_limit, model claude-x)')

    // Nothing secret in the store's non-secret columns: only the fingerprinted id.
    const store = CredentialStore.open(gw.home.storePath(), { readonly: true })
    const ids = [...store.listStates().keys()]
    store.close()
    expect(ids).toEqual([s1.report.auth.unusableKeys[0].keyId])
    expectNoCanary([JSON.stringify(ids), s1.res.stdout, s1.res.stderr, text.stdout], [k1, k2])

    // Restart: the new gateway process state reads the cooldown back and skips k1.
    const home = gw.home
    await gw.close({ keepHome: true })
    gw = await startTestGateway({ mock, config, home, env: { ANTHROPIC_API_KEYS: `${k1},${k2}` } })
    expect(await ask(gw)).toBe('env:ANTHROPIC_API_KEYS[1]')
    expect(mock.callsFor(k1)).toBe(1)

    // Reordered list: the cooldown stays with k1, now at index 1.
    const swapped = { ...gw.env, ANTHROPIC_API_KEYS: `${k2},${k1}` }
    const s2 = await status(gw, swapped)
    expect(s2.anthropic.effective).toEqual({ kind: 'env', detail: 'env: ANTHROPIC_API_KEYS[0]' })
    expect(s2.report.auth.unusableKeys.map((u: { key: string }) => u.key)).toEqual([
      'env:ANTHROPIC_API_KEYS[1]',
    ])

    // Clear it from the CLI, by the name status prints: the running gateway sends k1 again.
    const cleared = await runCli(['models', 'auth', 'clear-cooldown', 'env:ANTHROPIC_API_KEYS[0]'], {
      env: gw.env,
      cwd: gw.home.home,
    })
    expect(cleared.code, cleared.stderr).toBe(0)
    expect(cleared.stdout).toContain('Cleared 1 cooldown of env:ANTHROPIC_API_KEYS[0] (anthropic).')
    await waitFor(
      async () => (await ask(gw!)) === 'env:ANTHROPIC_API_KEYS[0]',
      5000,
      'the gateway to see the clear',
    )
    expect(mock.callsFor(k1)).toBe(2)
    const s3 = await status(gw)
    expect(s3.report.auth.unusableKeys).toEqual([])
    expect(s3.anthropic.effective).toEqual({ kind: 'env', detail: 'env: ANTHROPIC_API_KEYS[0]' })
    expectNoCanary([cleared.stdout, cleared.stderr, ...gw.logs], [k1, k2])
  })

  it('a model-scoped cooldown on a provider not in use: status names what serves that model', async () => {
    const [k1, k2] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(k1, { kind: 'rate_limit', retryAfterSeconds: 60 })
    mock.setBehavior(k2, { kind: 'ok' })
    gw = await startTestGateway({ mock, env: { ANTHROPIC_API_KEYS: `${k1},${k2}` } })
    expect(await ask(gw)).toBe('env:ANTHROPIC_API_KEYS[1]')
    const s = await status(gw)
    // Without a model, k1 still serves other models; for claude-x it is k2.
    expect(s.anthropic.effective).toEqual({ kind: 'env', detail: 'env: ANTHROPIC_API_KEYS[0]' })
    expect(s.anthropic.effectiveByModel).toEqual({
      'claude-x': { kind: 'env', detail: 'env: ANTHROPIC_API_KEYS[1]' },
    })
  })

  it('clear-cooldown --provider anthropic --env clears keys that have left the environment too', async () => {
    const [k1, k2] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(k1, { kind: 'billing' })
    mock.setBehavior(k2, { kind: 'ok' })
    gw = await startTestGateway({ mock, env: { ANTHROPIC_API_KEYS: `${k1},${k2}` } })
    expect(await ask(gw)).toBe('env:ANTHROPIC_API_KEYS[1]')
    const gone = { ...gw.env, ANTHROPIC_API_KEYS: k2 }
    const byName = await runCli(['models', 'auth', 'clear-cooldown', 'env:ANTHROPIC_API_KEYS[1]'], {
      env: gone,
      cwd: gw.home.home,
    })
    expect(byName.code).toBe(1)
    expect(byName.stderr).toContain('No env key "env:ANTHROPIC_API_KEYS[1]" in this environment')
    expect(byName.stderr).toContain('clear-cooldown --provider <id> --env')
    expect(byName.stderr).not.toMatch(/\n\s+at /)
    const all = await runCli(
      ['models', 'auth', 'clear-cooldown', '--provider', 'anthropic', '--env', '--json'],
      {
        env: gone,
        cwd: gw.home.home,
      },
    )
    expect(all.code, all.stderr).toBe(0)
    const r = JSON.parse(all.stdout)
    expect(r.keys).toEqual([
      expect.objectContaining({
        provider: 'anthropic',
        key: expect.stringMatching(/^env:anthropic:ANTHROPIC_API_KEYS#[0-9a-f]{12}$/),
        clearedDisabled: true,
      }),
    ])
    await waitFor(
      () => gw!.state.view().states.get(r.keys[0].keyId)?.disabled === undefined,
      5000,
      'the clear',
    )
    expectNoCanary([all.stdout, byName.stderr], [k1, k2])
  })

  it("env keys belong to the process: a failure seen through another agent lands in the default agent's store", async () => {
    const [k1, k2] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(k1, { kind: 'rate_limit', retryAfterSeconds: 120 })
    mock.setBehavior(k2, { kind: 'ok' })
    gw = await startTestGateway({ mock, env: { ANTHROPIC_API_KEYS: `${k1},${k2}` } })
    expect(await ask(gw, { 'x-openclaw-agent-id': 'work' })).toBe('env:ANTHROPIC_API_KEYS[1]')
    // The default agent skips k1 as well, without calling it.
    expect(await ask(gw)).toBe('env:ANTHROPIC_API_KEYS[1]')
    expect(mock.callsFor(k1)).toBe(1)
    const store = CredentialStore.open(gw.home.storePath('main'), { readonly: true })
    expect([...store.listStates().keys()]).toEqual([
      expect.stringMatching(/^env:anthropic:ANTHROPIC_API_KEYS#/),
    ])
    store.close()
    const res = await runCli(['models', 'status', '--agent', 'work', '--json'], {
      env: gw.env,
      cwd: gw.home.home,
    })
    expect(res.code, res.stderr).toBe(0)
    expect(JSON.parse(res.stdout).auth.unusableKeys.map((u: { key: string }) => u.key)).toEqual([
      'env:ANTHROPIC_API_KEYS[0]',
    ])
  })

  it("the /ws models.clearCooldown method takes an env key name from the gateway's own env", async () => {
    const [k1, k2] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(k1, [{ kind: 'rate_limit', retryAfterSeconds: 120 }, { kind: 'ok' }])
    mock.setBehavior(k2, { kind: 'ok' })
    gw = await startTestGateway({ mock, env: { ANTHROPIC_API_KEYS: `${k1},${k2}` } })
    expect(await ask(gw)).toBe('env:ANTHROPIC_API_KEYS[1]')
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/ws`)
    const frames: Array<{ id?: string; ok?: boolean; payload?: Record<string, unknown>; error?: unknown }> =
      []
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())))
    await once(ws, 'open')
    ws.send(JSON.stringify({ type: 'connect', auth: {} }))
    ws.send(
      JSON.stringify({
        type: 'req',
        id: 'c1',
        method: 'models.clearCooldown',
        params: { key: 'env:ANTHROPIC_API_KEYS[0]' },
      }),
    )
    await waitFor(() => frames.some((f) => f.id === 'c1'), 5000, 'the clearCooldown answer')
    ws.close()
    const res = frames.find((f) => f.id === 'c1')!
    expect(res.ok, JSON.stringify(res.error)).toBe(true)
    expect(res.payload).toMatchObject({
      agentId: 'main',
      keys: [expect.objectContaining({ key: 'env:ANTHROPIC_API_KEYS[0]', clearedCooldowns: 1 })],
    })
    expect(await ask(gw)).toBe('env:ANTHROPIC_API_KEYS[0]')
    expectNoCanary([JSON.stringify(frames)], [k1, k2])
  })

  it('a non-rate-limit error stops the env chain and says which keys were not tried', async () => {
    const [k1, k2, k3] = [canary('sk-ant-api03-'), canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(k1, { kind: 'auth' })
    gw = await startTestGateway({ mock, env: { ANTHROPIC_API_KEYS: `${k1},${k2},${k3}` } })
    const err = await ask(gw).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError)
    const message = (err as Error).message
    expect(message).not.toContain('All credentials')
    expect(message).toContain('Not tried: env: ANTHROPIC_API_KEYS[1], env: ANTHROPIC_API_KEYS[2]')
    expect(message).toContain('only rate-limit and billing errors move on to the next env key')
    expect([mock.callsFor(k2), mock.callsFor(k3)]).toEqual([0, 0])
  })
})
