import path from 'node:path'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { canary, expectNoCanary, ROOT } from './support/cli.ts'
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

const FAKE_CLAUDE = path.join(ROOT, 'test', 'fixtures', 'fake-claude', 'claude')

describe('models routed to the claude-cli runtime', () => {
  it('are served by `claude -p` with the selected Anthropic credential, streamed in the client format', async () => {
    const key = canary('sk-ant-api03-')
    gw = await startTestGateway({
      mock,
      config: {
        agents: {
          defaults: {
            models: { 'anthropic/claude-cli-x': { agentRuntime: { id: 'claude-cli' } } },
            cliBackends: { 'claude-cli': { command: FAKE_CLAUDE } },
          },
        },
      },
      profiles: { 'anthropic:k': { type: 'api_key', provider: 'anthropic', key } },
    })
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
    const { data, response } = await client.chat.completions
      .create({ model: 'anthropic/claude-cli-x', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse()
    expect(data.choices[0]?.message.content).toBe('fake claude (api_key) says: User: hello there')
    expect(response.headers.get('x-openclaw-auth-profile')).toBe('anthropic:k')
    const { data: stream, response: sres } = await client.chat.completions
      .create({
        model: 'anthropic/claude-cli-x',
        stream: true,
        messages: [{ role: 'user', content: 'stream it' }],
      })
      .withResponse()
    // How many deltas arrive depends on how the OS pipe coalesces claude's writes; that the
    // answer is an SSE stream assembled from deltas does not.
    expect(sres.headers.get('content-type')).toContain('text/event-stream')
    let text = ''
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? ''
    expect(text.trim()).toBe('fake claude (api_key) says: User: stream it')
    expect(mock.requests).toHaveLength(0)
    expectNoCanary([...gw.logs, JSON.stringify(data)], [key])
  })
})

describe('claude-cli models in a fallback chain', () => {
  const cliConfig = (primary: string, fallbacks: string[], extra: Record<string, unknown> = {}) => ({
    agents: {
      defaults: {
        model: { primary, fallbacks },
        models: { 'anthropic/claude-cli-x': { agentRuntime: { id: 'claude-cli' } } },
        cliBackends: { 'claude-cli': { command: FAKE_CLAUDE, ...extra } },
      },
    },
  })

  it('a routed fallback is served by claude -p after the HTTP primary fails over', async () => {
    const key = canary('sk-proj-')
    const cliKey = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'rate_limit', retryAfterSeconds: 30 })
    gw = await startTestGateway({
      mock,
      config: cliConfig('openai/gpt-x', ['anthropic/claude-cli-x']),
      profiles: {
        'openai:k': { type: 'api_key', provider: 'openai', key },
        'anthropic:k': { type: 'api_key', provider: 'anthropic', key: cliKey },
      },
    })
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
    const { data, response } = await client.chat.completions
      .create({ model: 'default', messages: [{ role: 'user', content: 'fall back' }] })
      .withResponse()
    expect(data.choices[0]?.message.content).toBe('fake claude (api_key) says: User: fall back')
    expect(response.headers.get('x-openclaw-auth-profile')).toBe('anthropic:k')
    expect(mock.callsFor(key)).toBe(1)
  })

  it('a failing routed primary falls back to the HTTP model; every attempt is reported when all fail', async () => {
    const key = canary('sk-proj-')
    const cliKey = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'ok', text: 'http answer' })
    gw = await startTestGateway({
      mock,
      config: cliConfig('anthropic/claude-cli-x', ['openai/gpt-x'], { passEnv: ['FAKE_CLAUDE_FAIL'] }),
      env: { FAKE_CLAUDE_FAIL: '1' },
      profiles: {
        'openai:k': { type: 'api_key', provider: 'openai', key },
        'anthropic:k': { type: 'api_key', provider: 'anthropic', key: cliKey },
      },
    })
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
    const { data, response } = await client.chat.completions
      .create({ model: 'default', messages: [{ role: 'user', content: 'x' }] })
      .withResponse()
    expect(data.choices[0]?.message.content).toBe('http answer')
    expect(response.headers.get('x-openclaw-auth-profile')).toBe('openai:k')

    mock.setBehavior(key, { kind: 'auth' })
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'x' }] }),
    })
    const body = (await res.json()) as { openclaw: { attempts: { source: string; model: string }[] } }
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(body.openclaw.attempts.map((a) => `${a.model}:${a.source}`)).toEqual([
      'claude-cli-x:claude-cli',
      'gpt-x:profile:openai:k',
    ])
    expectNoCanary([...gw.logs, JSON.stringify(body)], [key, cliKey])
  })
})
