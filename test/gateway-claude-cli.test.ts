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
