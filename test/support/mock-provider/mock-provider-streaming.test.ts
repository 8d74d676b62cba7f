/**
 * Streaming wire formats of the mock (Anthropic events, OpenAI chunks + [DONE], Gemini SSE and
 * JSON array), synchronised on the mock's events, never on sleeps.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { type MockProvider, parseSse, sseJson, startMockProvider } from './index.ts'
import { anthropicRequest, geminiRequest, openaiRequest } from './test-requests.ts'

let mock: MockProvider

beforeEach(async () => {
  mock ??= await startMockProvider()
  mock.reset()
  mock.setBehavior('k', { kind: 'ok' })
})
afterAll(() => mock?.close())

describe('anthropic stream', () => {
  it('sends the full event sequence with several text deltas and final usage', async () => {
    const res = await anthropicRequest(mock, { key: 'k', stream: true })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const events = parseSse(await res.text())
    const data = events.map((e) => JSON.parse(e.data))
    expect(events.map((e) => e.event)).toEqual(data.map((d) => d.type))
    const types = data.map((d) => d.type)
    expect(types.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping'])
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop'])
    expect(data[0].message).toMatchObject({
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content: [],
      stop_reason: null,
    })
    const deltas = data.filter((d) => d.type === 'content_block_delta')
    expect(deltas.length).toBeGreaterThanOrEqual(2)
    expect(deltas.map((d) => d.delta.text).join('')).toBe(
      'Hello from mock anthropic for ping from anthropic test',
    )
    expect(data.at(-2)).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: expect.any(Number) },
    })
  })

  it('streams a tool call as input_json_delta fragments after the text block', async () => {
    mock.setBehavior('k', {
      kind: 'ok',
      text: 'Let me check.',
      toolCall: { name: 'get_weather', arguments: { city: 'Oslo', days: 3 } },
    })
    const data = sseJson(await (await anthropicRequest(mock, { key: 'k', stream: true })).text())
    const toolStart = data.find((d) => d.type === 'content_block_start' && d.index === 1)
    expect(toolStart.content_block).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} })
    const fragments = data
      .filter((d) => d.delta?.type === 'input_json_delta')
      .map((d) => d.delta.partial_json)
    expect(fragments.length).toBeGreaterThanOrEqual(2)
    expect(JSON.parse(fragments.join(''))).toEqual({ city: 'Oslo', days: 3 })
    expect(data.find((d) => d.type === 'message_delta').delta.stop_reason).toBe('tool_use')
  })
})

describe('openai stream', () => {
  it('sends chat.completion.chunk deltas, a finish chunk and [DONE]', async () => {
    const res = await openaiRequest(mock, { key: 'k', stream: true })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const text = await res.text()
    expect(parseSse(text).at(-1)!.data).toBe('[DONE]')
    const chunks = sseJson(text)
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-5.4-mini')).toBe(true)
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(chunks[0].choices[0].delta.role).toBe('assistant')
    const pieces = chunks
      .map((c) => c.choices[0]?.delta.content)
      .filter((t) => typeof t === 'string' && t !== '')
    expect(pieces.length).toBeGreaterThanOrEqual(2)
    expect(pieces.join('')).toBe('Hello from mock openai for ping from openai test')
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop')
    expect(chunks.some((c) => 'usage' in c)).toBe(false)
  })

  it('adds the usage chunk with empty choices when stream_options.include_usage', async () => {
    const body = {
      model: 'gpt-5.4-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    }
    const chunks = sseJson(await (await openaiRequest(mock, { key: 'k', body })).text())
    const last = chunks.at(-1)
    expect(last.choices).toEqual([])
    expect(last.usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      completion_tokens: expect.any(Number),
    })
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true)
  })

  it('streams tool_calls with id and name first, then argument fragments', async () => {
    mock.setBehavior('k', { kind: 'ok', toolCall: { name: 'lookup', arguments: { query: 'mock provider' } } })
    const chunks = sseJson(await (await openaiRequest(mock, { key: 'k', stream: true })).text())
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
    expect(calls[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'lookup' },
    })
    const args = calls.map((c) => c.function.arguments).join('')
    expect(calls.length).toBeGreaterThanOrEqual(3)
    expect(JSON.parse(args)).toEqual({ query: 'mock provider' })
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls')
  })
})

describe('gemini stream', () => {
  it('alt=sse: CRLF-framed data events, finishReason and usage on the last', async () => {
    const res = await geminiRequest(mock, { key: 'k', stream: true })
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const text = await res.text()
    expect(text).toContain('\r\n\r\n')
    const chunks = sseJson(text)
    expect(chunks.length).toBeGreaterThanOrEqual(2)
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text).join('')).toBe(
      'Hello from mock gemini for ping from gemini test',
    )
    expect(chunks.at(-1).candidates[0].finishReason).toBe('STOP')
    expect(chunks.at(-1).usageMetadata.candidatesTokenCount).toBeGreaterThan(0)
    expect(chunks[0].candidates[0].finishReason).toBeUndefined()
  })

  it('without alt=sse: one JSON array; a function call arrives whole', async () => {
    mock.setBehavior('k', { kind: 'ok', text: 'calling', toolCall: { name: 'f', arguments: { a: [1, 2] } } })
    const res = await geminiRequest(mock, { key: 'k', stream: true, sse: false })
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const array = JSON.parse(await res.text())
    expect(Array.isArray(array)).toBe(true)
    expect(array.at(-1).candidates[0].content.parts).toEqual([
      { functionCall: { name: 'f', args: { a: [1, 2] } } },
    ])
  })
})
