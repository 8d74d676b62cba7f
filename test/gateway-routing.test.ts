import { once } from 'node:events'
import http from 'node:http'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary } from './support/cli.ts'
import { startTestGateway, type TestGateway } from './support/gateway-harness.ts'
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

const openai = (url: string) => new OpenAI({ apiKey: 'unused', baseURL: `${url}/v1`, maxRetries: 0 })
const anthropic = (url: string) => new Anthropic({ apiKey: 'unused', baseURL: url, maxRetries: 0 })

describe('formats: pass-through and translation', () => {
  it('OpenAI SDK -> OpenAI provider passes the body through (unknown fields kept) and streams', async () => {
    const key = canary('sk-proj-')
    mock.setBehavior(key, { kind: 'ok', text: 'pong' })
    gw = await startTestGateway({
      mock,
      profiles: { 'openai:main': { type: 'api_key', provider: 'openai', key } },
    })
    const res = await openai(gw.url).chat.completions.create({
      model: 'openai/gpt-x',
      seed: 7,
      messages: [{ role: 'user', content: 'ping' }],
    })
    expect(res.choices[0]?.message.content).toBe('pong')
    const sent = mock.requests.at(-1)!
    expect(sent.body).toMatchObject({ model: 'gpt-x', seed: 7 })
    expect(sent.headers.authorization).toBe(`Bearer ${key}`)
    const stream = await openai(gw.url).chat.completions.create({
      model: 'openai/gpt-x',
      stream: true,
      messages: [{ role: 'user', content: 'ping' }],
    })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
    expect(text).toBe('pong')
  })

  it('Anthropic SDK -> OpenAI provider is translated, tool calls included', async () => {
    const key = canary('sk-proj-')
    mock.setBehavior(key, { kind: 'ok', toolCall: { name: 'get_weather', arguments: { city: 'Oslo' } } })
    gw = await startTestGateway({
      mock,
      profiles: { 'openai:main': { type: 'api_key', provider: 'openai', key } },
    })
    const msg = await anthropic(gw.url).messages.create({
      model: 'openai/gpt-x',
      max_tokens: 64,
      system: 'be brief',
      tools: [
        {
          name: 'get_weather',
          description: 'weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      messages: [{ role: 'user', content: 'weather in Oslo?' }],
    })
    expect(msg.stop_reason).toBe('tool_use')
    expect(msg.content.find((b) => b.type === 'tool_use')).toMatchObject({
      name: 'get_weather',
      input: { city: 'Oslo' },
    })
    const sent = mock.requests.at(-1)!
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.body.messages[0]).toEqual({ role: 'system', content: 'be brief' })
    expect(sent.body.tools[0].function.name).toBe('get_weather')
  })

  it('Anthropic SDK streaming -> Anthropic provider (pass-through) and -> Gemini (translated)', async () => {
    const [ak, gk] = [canary('sk-ant-api03-'), canary('AIza')]
    mock.setBehavior(ak, { kind: 'ok', text: 'alpha beta' })
    mock.setBehavior(gk, { kind: 'ok', text: 'gamma delta' })
    gw = await startTestGateway({
      mock,
      profiles: {
        'anthropic:k': { type: 'api_key', provider: 'anthropic', key: ak },
        'google:k': { type: 'api_key', provider: 'google', key: gk },
      },
    })
    for (const [model, expected] of [
      ['anthropic/claude-x', 'alpha beta'],
      ['google/gemini-x', 'gamma delta'],
    ] as const) {
      const stream = anthropic(gw.url).messages.stream({
        model,
        max_tokens: 32,
        messages: [{ role: 'user', content: 'go' }],
      })
      const final = await stream.finalMessage()
      expect(final.content[0]).toMatchObject({ type: 'text', text: expected })
    }
    const g = mock.requests.find((r) => r.api === 'gemini')!
    expect(g.headers['x-goog-api-key']).toBe(gk)
    expect(g.query.key).toBeUndefined()
  })
})

describe('credential header rules and upstream hardening', () => {
  it('a Claude setup-token goes as Bearer with the OAuth beta (the mock rejects anything else)', async () => {
    const token = canary('sk-ant-oat01-')
    mock.setBehavior(token, { kind: 'ok', text: 'sub ok' })
    gw = await startTestGateway({
      mock,
      profiles: { 'anthropic:sub': { type: 'token', provider: 'anthropic', token } },
    })
    const msg = await anthropic(gw.url).messages.create({
      model: 'anthropic/claude-x',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'x' }],
    })
    expect(msg.content[0]).toMatchObject({ text: 'sub ok' })
    const sent = mock.requests.at(-1)!
    expect(sent.credentialVia).toBe('bearer')
    expect(sent.headers['anthropic-beta']).toContain('oauth-2025-04-20')
    expect(sent.headers['x-api-key']).toBeUndefined()
  })

  it("Anthropic's Claude-Code-only refusal becomes an auth error telling the user to use an API key", async () => {
    const token = canary('sk-ant-oat01-')
    mock.setBehavior(token, { kind: 'claude_code_only' })
    gw = await startTestGateway({
      mock,
      profiles: { 'anthropic:sub': { type: 'token', provider: 'anthropic', token } },
    })
    const err = (await anthropic(gw.url)
      .messages.create({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>
    expect(err.status).toBe(401)
    expect(err.message).toContain('paste-api-key --provider anthropic')
  })

  it('client fields that could redirect credentials are ignored and client auth headers are not forwarded', async () => {
    const key = canary('sk-proj-')
    mock.setBehavior(key, { kind: 'ok' })
    let hijacked = 0
    const evil = http.createServer((_q, s) => {
      hijacked++
      s.end('{}')
    })
    evil.listen(0, '127.0.0.1')
    await once(evil, 'listening')
    const evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}`
    gw = await startTestGateway({
      mock,
      profiles: { 'openai:main': { type: 'api_key', provider: 'openai', key } },
    })
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer client-secret' },
      body: JSON.stringify({
        model: 'openai/gpt-x',
        api_base: evilUrl,
        base_url: evilUrl,
        extra_headers: { Authorization: 'Bearer x' },
        messages: [{ role: 'user', content: 'x' }],
      }),
    })
    expect(res.status).toBe(200)
    evil.close()
    expect(hijacked).toBe(0)
    const sent = mock.requests.at(-1)!
    expect(sent.body.api_base).toBeUndefined()
    expect(sent.body.extra_headers).toBeUndefined()
    expect(sent.headers.authorization).toBe(`Bearer ${key}`)
  })

  it('a redirect from upstream is never followed with credentials', async () => {
    const key = canary('sk-proj-')
    let reached = 0
    const other = http.createServer((_q, s) => {
      reached++
      s.end('{}')
    })
    other.listen(0, '127.0.0.1')
    await once(other, 'listening')
    const port = (other.address() as { port: number }).port
    mock.setBehavior(key, {
      kind: 'error',
      status: 307,
      headers: { location: `http://127.0.0.1:${port}/v1/chat/completions` },
    })
    gw = await startTestGateway({
      mock,
      profiles: { 'openai:main': { type: 'api_key', provider: 'openai', key } },
    })
    const err = (await openai(gw.url)
      .chat.completions.create({ model: 'openai/gpt-x', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>
    other.close()
    expect(err.status).toBe(502)
    expect(err.message).toContain('redirects are never followed')
    expect(reached).toBe(0)
  })

  it('a stored key with control characters never leaves the process', async () => {
    gw = await startTestGateway({ mock, profiles: {} })
    const store = CredentialStore.open(gw.home.storePath())
    // Written behind the CLI's back (a hand-edited or legacy-imported row).
    store.upsertProfile('openai:bad', {
      type: 'api_key',
      provider: 'openai',
      key: 'sk-canary-abc\r\nx-evil: 1',
    })
    store.close()
    gw.state.invalidateAll()
    const err = (await openai(gw.url)
      .chat.completions.create({ model: 'openai/gpt-x', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>
    expect(err.status).toBeGreaterThanOrEqual(400)
    expect(mock.requests).toHaveLength(0)
    expect(JSON.stringify(err.error)).not.toContain('sk-canary-abc')
  })
})

describe('provider headers from SecretRefs', () => {
  const headerRef = { source: 'env', provider: 'default', id: 'ACME_TENANT_TOKEN' }
  const config = (mockUrl: string) => ({
    models: {
      providers: {
        acme: {
          baseUrl: `${mockUrl}/v1`,
          api: 'openai-completions',
          headers: { 'x-acme-tenant': headerRef },
        },
      },
    },
  })

  it('a header SecretRef is resolved from the snapshot and sent with every request', async () => {
    const key = canary('sk-acme-')
    const tenant = canary('tenant-')
    mock.setBehavior(key, { kind: 'ok', text: 'hi' })
    gw = await startTestGateway({
      mock,
      config: config(mock.url),
      env: { ACME_TENANT_TOKEN: tenant },
      profiles: { 'acme:main': { type: 'api_key', provider: 'acme', key } },
    })
    const res = await openai(gw.url).chat.completions.create({
      model: 'acme/m',
      messages: [{ role: 'user', content: 'x' }],
    })
    expect(res.choices[0]?.message.content).toBe('hi')
    expect(mock.requests.at(-1)?.headers['x-acme-tenant']).toBe(tenant)
  })

  it('an unresolved header ref fails closed: a clear error, the provider is not called', async () => {
    const key = canary('sk-acme-')
    mock.setBehavior(key, { kind: 'ok', text: 'hi' })
    gw = await startTestGateway({
      mock,
      config: config(mock.url),
      profiles: { 'acme:main': { type: 'api_key', provider: 'acme', key } },
    })
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'acme/m', messages: [{ role: 'user', content: 'x' }] }),
    })
    expect(res.status).toBe(500)
    const body = (await res.json()) as { error: { message: string; code: string } }
    expect(body.error.code).toBe('unresolved_ref')
    expect(body.error.message).toContain('models.providers.acme.headers.x-acme-tenant')
    expect(mock.callsFor(key)).toBe(0)
  })

  it('a header value HTTP cannot carry fails the same way instead of a gateway 500', async () => {
    const key = canary('sk-acme-')
    mock.setBehavior(key, { kind: 'ok', text: 'hi' })
    gw = await startTestGateway({
      mock,
      config: {
        models: {
          providers: {
            acme: {
              baseUrl: `${mock.url}/v1`,
              api: 'openai-completions',
              headers: { 'x-acme-region': 'eu-€' },
            },
          },
        },
      },
      profiles: { 'acme:main': { type: 'api_key', provider: 'acme', key } },
    })
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'acme/m', messages: [{ role: 'user', content: 'x' }] }),
    })
    expect(res.status).toBe(500)
    const body = (await res.json()) as { error: { message: string; code: string } }
    expect(body.error.message).toContain('models.providers.acme.headers.x-acme-region has no usable value')
    expect(body.error.message).not.toContain('internal gateway error')
    expect(mock.callsFor(key)).toBe(0)
  })
})

describe('upstream errors that echo the key', () => {
  it('a provider error quoting the refused key (plain, base64, URL-encoded) never reaches the client', async () => {
    const key = canary('acmekey')
    const b64 = Buffer.from(key).toString('base64')
    mock.setBehavior(key, {
      kind: 'error',
      status: 401,
      body: {
        type: 'error',
        error: {
          type: 'authentication_error',
          message: `invalid x-api-key: ${key} (sent as ${b64}, or ${encodeURIComponent(`k=${key}`)})`,
        },
      },
    })
    gw = await startTestGateway({
      mock,
      config: { models: { providers: { acme: { baseUrl: mock.url, api: 'anthropic-messages' } } } },
      profiles: { 'acme:main': { type: 'api_key', provider: 'acme', key } },
    })
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'acme/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      }),
    })
    expect(res.status).toBe(401)
    const text = await res.text()
    expect(text).toContain('invalid x-api-key: [redacted]')
    expect(text).not.toContain(key)
    expect(text).not.toContain(b64.replace(/=+$/, ''))
    expect(gw.logs.join('\n')).not.toContain(key)
  })
})

describe('failover across models, client aborts, and the success path', () => {
  it('falls back to agents.defaults.model.fallbacks when every profile of the primary fails', async () => {
    const [a, o] = [canary('sk-ant-api03-'), canary('sk-proj-')]
    mock.setBehavior(a, { kind: 'overloaded' })
    mock.setBehavior(o, { kind: 'ok', text: 'fallback answered' })
    gw = await startTestGateway({
      mock,
      config: {
        agents: { defaults: { model: { primary: 'anthropic/claude-x', fallbacks: ['openai/gpt-x'] } } },
      },
      profiles: {
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: a },
        'openai:o': { type: 'api_key', provider: 'openai', key: o },
      },
    })
    const { data, response } = await openai(gw.url)
      .chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'x' }] })
      .withResponse()
    expect(data.choices[0]?.message.content).toBe('fallback answered')
    expect(response.headers.get('x-openclaw-auth-profile')).toBe('openai:o')
  })

  it('exhausted rate limits answer 429 with Retry-After and say which profiles were tried', async () => {
    const [a, b] = [canary('sk-ant-api03-'), canary('sk-ant-api03-')]
    mock.setBehavior(a, { kind: 'rate_limit', retryAfterSeconds: 40 })
    mock.setBehavior(b, { kind: 'rate_limit', retryAfterSeconds: 90 })
    gw = await startTestGateway({
      mock,
      profiles: {
        'anthropic:a': { type: 'api_key', provider: 'anthropic', key: a },
        'anthropic:b': { type: 'api_key', provider: 'anthropic', key: b },
      },
    })
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      }),
    })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(39)
    const body = (await res.json()) as {
      error: { type: string }
      openclaw: { attempts: Array<{ profileId: string; outcome: string }> }
    }
    expect(body.error.type).toBe('rate_limit_error')
    expect(
      body.openclaw.attempts.map((x: { profileId: string; outcome: string }) => [x.profileId, x.outcome]),
    ).toEqual([
      ['anthropic:a', 'rate_limit'],
      ['anthropic:b', 'rate_limit'],
    ])
    // Both are cooling now: the next request calls nobody and says when to come back.
    const again = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      }),
    })
    expect(again.status).toBe(429)
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain(
      'Soonest available in',
    )
    expect(mock.callsFor(a) + mock.callsFor(b)).toBe(2)
  })

  it('an upstream that sends nothing is cut at timeoutSeconds; the next profile serves and the first cools', async () => {
    const slow = canary('sk-ant-api03-')
    const good = canary('sk-ant-api03-')
    mock.setBehavior(slow, { kind: 'hang' })
    mock.setBehavior(good, { kind: 'ok', text: 'late but fine' })
    gw = await startTestGateway({
      mock,
      config: {
        models: {
          providers: { anthropic: { baseUrl: mock.url, api: 'anthropic-messages', timeoutSeconds: 1 } },
        },
        auth: { order: { anthropic: ['anthropic:slow', 'anthropic:good'] } },
      },
      profiles: {
        'anthropic:slow': { type: 'api_key', provider: 'anthropic', key: slow },
        'anthropic:good': { type: 'api_key', provider: 'anthropic', key: good },
      },
    })
    const started = Date.now()
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-openclaw-auth-profile')).toBe('anthropic:good')
    expect(((await res.json()) as { content: { text: string }[] }).content[0]?.text).toBe('late but fine')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    const st = gw.state.view().states.get('anthropic:slow')
    expect(st?.cooldowns.map((c) => [c.model, c.reason])).toEqual([['claude-x', 'timeout']])
  })

  it('a stream that stalls after its first chunk is ended with an error frame at the idle timeout', async () => {
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'stream_gated', text: 'one two three four five six' })
    gw = await startTestGateway({
      mock,
      config: {
        models: {
          providers: { anthropic: { baseUrl: mock.url, api: 'anthropic-messages', timeoutSeconds: 1 } },
        },
      },
      profiles: { 'anthropic:a': { type: 'api_key', provider: 'anthropic', key } },
    })
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('message_start')
    expect(text).toMatch(
      /event: error\ndata: .*upstream stream interrupted: no response from .* within 1000 ms/,
    )
    expect(text).not.toContain('message_stop')
    expect(gw.handle.runs.list()).toHaveLength(0)
  })

  it('a client that disconnects aborts the upstream request', async () => {
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'hang' })
    gw = await startTestGateway({
      mock,
      profiles: { 'anthropic:a': { type: 'api_key', provider: 'anthropic', key } },
    })
    const ac = new AbortController()
    const aborted = once(mock.events, 'client-aborted')
    const started = once(mock.events, 'request')
    const pending = fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      signal: ac.signal,
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    }).catch(() => undefined)
    await started
    ac.abort()
    await pending
    await aborted
    expect(gw.handle.runs.list()).toHaveLength(0)
  })

  it('successful requests write nothing to the store until the coalesced flush', async () => {
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'ok' })
    gw = await startTestGateway({
      mock,
      profiles: { 'anthropic:a': { type: 'api_key', provider: 'anthropic', key } },
    })
    const watcher = CredentialStore.open(gw.home.storePath(), { readonly: true })
    const before = watcher.dataVersion()
    const client = new Anthropic({
      apiKey: 'unused',
      baseURL: gw.url,
      maxRetries: 0,
      defaultHeaders: { 'x-openclaw-session-key': 's1' },
    })
    for (let i = 0; i < 20; i++) {
      await client.messages.create({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: `${i}` }],
      })
    }
    expect(watcher.dataVersion()).toBe(before)
    gw.state.flush()
    expect(watcher.dataVersion()).not.toBe(before)
    expect(watcher.getState('anthropic:a').lastUsed).toBeGreaterThan(0)
    expect(watcher.getSession('s1')).toMatchObject({
      profileOverride: 'anthropic:a',
      profileOverrideSource: 'auto',
    })
    watcher.close()
  })

  it('GET /v1/models lists configured models in the OpenAI and Anthropic shapes', async () => {
    gw = await startTestGateway({
      mock,
      config: {
        agents: { defaults: { model: { primary: 'anthropic/claude-x', fallbacks: ['openai/gpt-x'] } } },
      },
    })
    const list = await openai(gw.url).models.list()
    expect(list.data.map((m) => m.id)).toEqual(['anthropic/claude-x', 'openai/gpt-x'])
    const a = await anthropic(gw.url).models.list()
    expect(a.data.map((m) => m.id)).toEqual(['anthropic/claude-x', 'openai/gpt-x'])
  })
})
