import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
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

function anthropicClient(url: string, headers: Record<string, string> = {}) {
  return new Anthropic({
    apiKey: 'client-key-not-forwarded',
    baseURL: url,
    maxRetries: 0,
    defaultHeaders: headers,
  })
}

describe('env key rotation through the official Anthropic SDK (seed: ANTHROPIC_API_KEYS)', () => {
  it('k1 and k2 rate-limited: the request succeeds on k3', async () => {
    const [k1, k2, k3] = [canary('sk-ant-api03-'), canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(k1, { kind: 'rate_limit', retryAfterSeconds: 20 })
    mock.setBehavior(k2, { kind: 'rate_limit' })
    mock.setBehavior(k3, { kind: 'ok', text: 'served by k3' })
    gw = await startTestGateway({ mock, env: { ANTHROPIC_API_KEYS: `${k1},${k2},${k3}` } })
    const { data, response } = await anthropicClient(gw.url)
      .messages.create({
        model: 'anthropic/claude-x',
        max_tokens: 32,
        messages: [{ role: 'user', content: 'hi' }],
      })
      .withResponse()
    expect(data.content[0]).toMatchObject({ type: 'text', text: 'served by k3' })
    expect(response.headers.get('x-openclaw-auth-profile')).toBe('env:ANTHROPIC_API_KEYS[2]')
    expect(response.headers.get('x-openclaw-run-id')).toMatch(/^run_/)
    expect([mock.callsFor(k1), mock.callsFor(k2), mock.callsFor(k3)]).toEqual([1, 1, 1])
    // The client's own key never reaches the provider.
    expect(mock.requests.every((r) => r.credential !== 'client-key-not-forwarded')).toBe(true)
    // k1 is cooling now: the next request goes straight past it.
    await anthropicClient(gw.url).messages.create({
      model: 'anthropic/claude-x',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'again' }],
    })
    expect(mock.callsFor(k1)).toBe(1)
    expectNoCanary([...gw.logs], [k1, k2, k3])
  })

  it('k1 answers 401: fails at once with an auth error naming the key source; k2 is never tried', async () => {
    const [k1, k2] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(k1, { kind: 'auth' })
    mock.setBehavior(k2, { kind: 'ok' })
    gw = await startTestGateway({ mock, env: { ANTHROPIC_API_KEYS: `${k1},${k2}` } })
    const err = await anthropicClient(gw.url)
      .messages.create({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError)
    const e = err as InstanceType<typeof Anthropic.AuthenticationError>
    expect(e.status).toBe(401)
    expect(e.message).toContain('env: ANTHROPIC_API_KEYS[0]')
    expect(mock.callsFor(k2)).toBe(0)
    expectNoCanary([e.message, JSON.stringify(e.error)], [k1, k2])
  })
})

describe('stored profiles with model-scoped cooldowns', () => {
  it('429s of requests that were all in flight on one key are one incident: first cooldown step, not the 5-minute one', async () => {
    const [a, b] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(a, { kind: 'rate_limit', gated: true })
    mock.setBehavior(b, { kind: 'ok', text: 'from b' })
    gw = await startTestGateway({
      mock,
      config: { auth: { order: { anthropic: ['anthropic:a', 'anthropic:b'] } } },
      profiles: {
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: a },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: b },
      },
    })
    const held: string[] = []
    const onHeld = ({ id }: { id: string }) => held.push(id)
    mock.events.on('gate-waiting', onHeld)
    const client = anthropicClient(gw.url)
    const n = 4
    const answers = Array.from({ length: n }, () =>
      client.messages.create({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    )
    // All four chose key a before any 429 came back; then the 429s arrive together.
    await waitFor(() => held.length === n, 5000, `${n} requests held on key a`)
    mock.events.off('gate-waiting', onHeld)
    mock.release()
    for (const r of await Promise.all(answers)) expect(r.content[0]).toMatchObject({ text: 'from b' })
    expect(mock.callsFor(a)).toBe(n)
    gw.state.flush()
    const store = CredentialStore.open(gw.home.storePath('main'), { readonly: true })
    try {
      const st = store.getState('anthropic:a')
      const row = st.cooldowns.find((c) => c.model === 'claude-x')!
      // One rate limit (the first step, 30 s), though the gateway read four of them.
      expect(row.errorCount).toBe(1)
      expect(row.until - row.lastFailureAt).toBe(30_000)
      expect(st.failureCounts.rate_limit).toBe(n)
    } finally {
      store.close()
    }
    // The next request skips a without calling it.
    await client.messages.create({
      model: 'anthropic/claude-x',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'again' }],
    })
    expect(mock.callsFor(a)).toBe(n)
  })

  it('a rate-limit for one model moves that model to the next profile; other models keep the first; status shows it; clear-cooldown applies live', async () => {
    const [a, b, c] = [canary('sk-ant-api03-'), canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(a, { kind: 'ok', text: 'from a' })
    mock.setBehavior(b, { kind: 'ok', text: 'from b' })
    mock.setBehavior(c, { kind: 'ok', text: 'from c' })
    gw = await startTestGateway({
      mock,
      config: { auth: { order: { anthropic: ['anthropic:a', 'anthropic:b', 'anthropic:c'] } } },
      profiles: {
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: a },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: b },
        'anthropic:c': { type: 'api_key', provider: 'anthropic', key: c },
      },
    })
    const client = anthropicClient(gw.url)
    const ask = async (model: string) => {
      const { response } = await client.messages
        .create({ model, max_tokens: 8, messages: [{ role: 'user', content: 'q' }] })
        .withResponse()
      return response.headers.get('x-openclaw-auth-profile')
    }
    mock.setBehavior(a, [
      { kind: 'rate_limit', retryAfterSeconds: 120 },
      { kind: 'ok', text: 'from a' },
    ])
    expect(await ask('anthropic/claude-big')).toBe('anthropic:b')
    expect(await ask('anthropic/claude-big')).toBe('anthropic:b')
    expect(await ask('anthropic/claude-small')).toBe('anthropic:a')
    expect(mock.requests.filter((r) => r.credential === a).map((r) => r.body.model)).toEqual([
      'claude-big',
      'claude-small',
    ])

    const status = await runCli(['models', 'status', '--json'], { env: gw.env, cwd: gw.home.home })
    expect(status.stderr).toBe('')
    const report = JSON.parse(status.stdout)
    expect(report.auth.unusableProfiles).toEqual([
      expect.objectContaining({
        profileId: 'anthropic:a',
        kind: 'cooldown',
        reason: 'rate_limit',
        model: 'claude-big',
      }),
    ])
    const remaining = report.auth.unusableProfiles[0].remainingMs
    expect(remaining).toBeGreaterThan(60_000)
    expect(remaining).toBeLessThanOrEqual(120_000)

    const cleared = await runCli(['models', 'auth', 'clear-cooldown', 'anthropic:a'], {
      env: gw.env,
      cwd: gw.home.home,
    })
    expect(cleared.code).toBe(0)
    await waitFor(
      async () => (await ask('anthropic/claude-big')) === 'anthropic:a',
      5000,
      'the gateway to see the cleared cooldown',
    )
  })
})

describe('streaming translation', () => {
  it('an OpenAI-SDK stream to an Anthropic-API provider gets its first chunk before the upstream finished', async () => {
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'stream_gated', text: 'one two three four' })
    gw = await startTestGateway({
      mock,
      profiles: { 'anthropic:work': { type: 'api_key', provider: 'anthropic', key } },
    })
    const openai = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
    let upstreamFinished = false
    mock.events.on('response-finished', () => {
      upstreamFinished = true
    })
    const stream = await openai.chat.completions.create({
      model: 'anthropic/claude-x',
      stream: true,
      messages: [{ role: 'user', content: 'count' }],
    })
    let text = ''
    let sawContentBeforeFinish = false
    let finish: string | null | undefined
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content ?? ''
      if (delta && !upstreamFinished && !sawContentBeforeFinish) {
        sawContentBeforeFinish = true
        mock.release()
      }
      text += delta
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect(sawContentBeforeFinish).toBe(true)
    expect(text).toBe('one two three four')
    expect(finish).toBe('stop')
    expect(upstreamFinished).toBe(true)
  })
})

describe('session pins with /model', () => {
  it('/model anthropic/claude-x@anthropic:work pins the session; later requests use and report that profile', async () => {
    const [home, work] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setDefault({ kind: 'ok' })
    gw = await startTestGateway({
      mock,
      profiles: {
        'anthropic:home': { type: 'api_key', provider: 'anthropic', key: home },
        'anthropic:work': { type: 'api_key', provider: 'anthropic', key: work },
      },
    })
    const client = anthropicClient(gw.url, { 'x-openclaw-session-key': 'chat-42' })
    const reply = await client.messages.create({
      model: 'anthropic/claude-x',
      max_tokens: 8,
      messages: [{ role: 'user', content: '/model anthropic/claude-x@anthropic:work' }],
    })
    expect(reply.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('anthropic:work') })
    expect(mock.requests).toHaveLength(0)
    for (let i = 0; i < 3; i++) {
      const { response } = await client.messages
        .create({
          model: 'anthropic/claude-x',
          max_tokens: 8,
          messages: [{ role: 'user', content: `q${i}` }],
        })
        .withResponse()
      expect(response.headers.get('x-openclaw-auth-profile')).toBe('anthropic:work')
    }
    expect(mock.callsFor(work)).toBe(3)
    expect(mock.callsFor(home)).toBe(0)
    const status = await client.messages.create({
      model: 'x',
      max_tokens: 8,
      messages: [{ role: 'user', content: '/model status' }],
    })
    expect(status.content[0]).toMatchObject({
      text: expect.stringContaining('Pinned profile: anthropic:work (user)'),
    })
  })
})

describe("seed 000's /model @<profileId>", () => {
  it('pins the profile for the model the app sends, with no default model configured', async () => {
    const [home, work] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setDefault({ kind: 'ok' })
    gw = await startTestGateway({
      mock,
      profiles: {
        'anthropic:home': { type: 'api_key', provider: 'anthropic', key: home },
        'anthropic:work-account': { type: 'api_key', provider: 'anthropic', key: work },
      },
    })
    const client = anthropicClient(gw.url, { 'x-openclaw-session-key': 'seed-000' })
    const ask = (content: string) =>
      client.messages.create({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content }],
      })
    const reply = await ask('/model @anthropic:work-account')
    expect(reply.content[0]).toMatchObject({ text: expect.stringContaining('anthropic:work-account pinned') })
    for (let i = 0; i < 2; i++) {
      const { response } = await client.messages
        .create({
          model: 'anthropic/claude-x',
          max_tokens: 8,
          messages: [{ role: 'user', content: `q${i}` }],
        })
        .withResponse()
      expect(response.headers.get('x-openclaw-auth-profile')).toBe('anthropic:work-account')
    }
    expect(mock.callsFor(work)).toBe(2)
    expect(mock.callsFor(home)).toBe(0)
  })
})

describe('auto pins', () => {
  it('an auto-pinned session follows a changed auth order (order set invalidates auto pins)', async () => {
    const [a, b] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setDefault({ kind: 'ok' })
    gw = await startTestGateway({
      mock,
      profiles: {
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: a },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: b },
      },
    })
    const client = anthropicClient(gw.url, { 'x-openclaw-session-key': 'sticky' })
    const ask = async () =>
      (
        await client.messages
          .create({ model: 'anthropic/claude-x', max_tokens: 8, messages: [{ role: 'user', content: 'q' }] })
          .withResponse()
      ).response.headers.get('x-openclaw-auth-profile')
    const first = await ask()
    // Sticky: the same profile serves the session although round-robin would alternate.
    expect(await ask()).toBe(first)
    expect(await ask()).toBe(first)
    const other = first === 'anthropic:a' ? 'anthropic:b' : 'anthropic:a'
    const set = await runCli(['models', 'auth', 'order', 'set', '--provider', 'anthropic', other, first!], {
      env: gw.env,
      cwd: gw.home.home,
    })
    expect(set.code, set.stderr).toBe(0)
    await waitFor(async () => (await ask()) === other, 5000, 'the session to follow the new order')
  })
})
