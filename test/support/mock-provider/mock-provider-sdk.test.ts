/**
 * Conformance: the official Anthropic and OpenAI SDKs parse the mock's replies, streams and
 * errors exactly as they parse the real APIs' (streams accumulated by the SDKs' own helpers).
 */
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { ANTHROPIC_OAUTH_BETA, type MockProvider, startMockProvider } from './index.ts'

let mock: MockProvider

beforeEach(async () => {
  mock ??= await startMockProvider()
  mock.reset()
})
afterAll(() => mock?.close())

const anthropic = (apiKey = 'sk-ant-api03-sdk') => new Anthropic({ apiKey, baseURL: mock.url, maxRetries: 0 })
const openai = (apiKey = 'sk-proj-sdk') => new OpenAI({ apiKey, baseURL: `${mock.url}/v1`, maxRetries: 0 })
const weather = { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } }

describe('@anthropic-ai/sdk', () => {
  it('creates a message and streams one with text and a tool call', async () => {
    mock.setBehavior('sk-ant-api03-sdk', { kind: 'ok', text: 'Checking the weather now.', toolCall: weather })
    const params = {
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'weather?' }],
    }
    const message = await anthropic().messages.create(params)
    expect(message.stop_reason).toBe('tool_use')
    const streamed = await anthropic().messages.stream(params).finalMessage()
    expect(streamed.content).toEqual([
      { type: 'text', text: 'Checking the weather now.' },
      { type: 'tool_use', id: expect.any(String), name: 'get_weather', input: weather.arguments },
    ])
    expect(streamed.usage.output_tokens).toBe(message.usage.output_tokens)
    expect(mock.requests[0]!.headers['anthropic-version']).toBeDefined()
  })

  it('authenticates an OAuth token as Bearer with the oauth beta', async () => {
    const token = 'sk-ant-oat01-sdk-token'
    mock.setBehavior(token, { kind: 'ok', text: 'oauth ok' })
    const client = new Anthropic({
      authToken: token,
      apiKey: null,
      baseURL: mock.url,
      maxRetries: 0,
      defaultHeaders: { 'anthropic-beta': ANTHROPIC_OAUTH_BETA },
    })
    const message = await client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'oauth ok' })
    expect(mock.requests[0]).toMatchObject({ credential: token, credentialVia: 'bearer' })
  })

  it('surfaces scripted failures as the SDK error classes', async () => {
    mock.setBehavior('sk-ant-api03-sdk', [
      { kind: 'rate_limit', retryAfterSeconds: 9 },
      { kind: 'overloaded' },
    ])
    const call = () =>
      anthropic().messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] })
    const limited = await call().catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError)
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).toBe('9')
    const overloaded = await call().catch((e: unknown) => e)
    expect(overloaded).toBeInstanceOf(Anthropic.APIError)
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529)
  })
})

describe('openai', () => {
  it('creates a completion and streams one with usage', async () => {
    mock.setBehavior('sk-proj-sdk', { kind: 'ok', text: 'streamed answer from the mock' })
    const messages = [{ role: 'user' as const, content: 'hi' }]
    const completion = await openai().chat.completions.create({ model: 'gpt-5.4-mini', messages })
    expect(completion.choices[0]!.message.content).toBe('streamed answer from the mock')
    const stream = await openai().chat.completions.create({
      model: 'gpt-5.4-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let usage: OpenAI.CompletionUsage | null | undefined
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      usage = chunk.usage ?? usage
    }
    expect(text).toBe('streamed answer from the mock')
    expect(usage?.total_tokens).toBe(completion.usage?.total_tokens)
  })

  it('accumulates a streamed tool call with the SDK stream helper', async () => {
    mock.setBehavior('sk-proj-sdk', { kind: 'ok', toolCall: weather })
    const final = await openai()
      .chat.completions.stream({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'weather?' }] })
      .finalChatCompletion()
    const call = final.choices[0]!.message.tool_calls![0]!
    expect(call.type).toBe('function')
    if (call.type !== 'function') return
    expect(call.function.name).toBe('get_weather')
    expect(JSON.parse(call.function.arguments)).toEqual(weather.arguments)
    expect(final.choices[0]!.finish_reason).toBe('tool_calls')
  })

  it('surfaces rate limit, quota and bad key errors with their codes', async () => {
    mock.setBehavior('sk-proj-sdk', [{ kind: 'rate_limit' }, { kind: 'billing' }])
    const call = (key?: string) =>
      openai(key)
        .chat.completions.create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'x' }] })
        .then(
          () => undefined,
          (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
        )
    const limited = await call()
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError)
    expect(limited?.code).toBe('rate_limit_exceeded')
    expect((await call())?.code).toBe('insufficient_quota')
    const badKey = await call('sk-unknown-key-0000')
    expect(badKey).toBeInstanceOf(OpenAI.AuthenticationError)
    expect(badKey?.code).toBe('invalid_api_key')
  })
})
