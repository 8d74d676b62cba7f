/**
 * The mock provider itself: non-streaming replies in each API's shape, model listing, 404s and
 * request recording (validation rules: mock-provider-validation.test.ts).
 */
import { once } from 'node:events'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { type MockProvider, type RecordedRequest, startMockProvider } from './index.ts'
import {
  ANTHROPIC_VERSION,
  anthropicRequest,
  geminiRequest,
  openaiRequest,
  request,
} from './test-requests.ts'

let mock: MockProvider

beforeEach(async () => {
  mock ??= await startMockProvider()
  mock.reset()
  mock.setBehavior('good', { kind: 'ok' })
})
afterAll(() => mock?.close())

describe('non-streaming replies', () => {
  it('anthropic: message with id, echoed model, default text, usage, stop reason', async () => {
    const res = await anthropicRequest(mock, { key: 'good' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('x-mock-request-id')).toBe(mock.requests[0]!.id)
    expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('49')
    const body = await res.json()
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content: [{ type: 'text', text: 'Hello from mock anthropic for ping from anthropic test' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    })
    expect(body.id).toMatch(/^msg_/)
    expect(body.usage.input_tokens).toBeGreaterThan(0)
    expect(body.usage.output_tokens).toBeGreaterThan(0)
  })

  it('anthropic: tool call becomes a tool_use block and stop_reason tool_use', async () => {
    mock.setBehavior('good', { kind: 'ok', toolCall: { name: 'get_weather', arguments: { city: 'Oslo' } } })
    const body = await (await anthropicRequest(mock, { key: 'good' })).json()
    expect(body.stop_reason).toBe('tool_use')
    expect(body.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'get_weather',
        input: { city: 'Oslo' },
      },
    ])
  })

  it('openai: chat.completion on /v1 and bare /chat/completions', async () => {
    for (const path of ['/v1/chat/completions', '/chat/completions']) {
      const res = await openaiRequest(mock, { key: 'good', path })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('499')
      const body = await res.json()
      expect(body).toMatchObject({
        object: 'chat.completion',
        model: 'gpt-5.4-mini',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello from mock openai for ping from openai test' },
            finish_reason: 'stop',
          },
        ],
      })
      expect(body.id).toMatch(/^chatcmpl-/)
      expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens)
    }
    expect(mock.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/chat/completions'])
  })

  it('openai: tool call becomes tool_calls with JSON-string arguments', async () => {
    mock.setBehavior('good', { kind: 'ok', toolCall: { name: 'lookup', arguments: { q: 'x', n: 2 } } })
    const body = await (await openaiRequest(mock, { key: 'good' })).json()
    expect(body.choices[0].finish_reason).toBe('tool_calls')
    expect(body.choices[0].message.content).toBeNull()
    const [call] = body.choices[0].message.tool_calls
    expect(call).toMatchObject({ type: 'function', function: { name: 'lookup' } })
    expect(JSON.parse(call.function.arguments)).toEqual({ q: 'x', n: 2 })
  })

  it('gemini: candidates, usageMetadata, modelVersion from the path; key via header or ?key=', async () => {
    mock.setBehavior('gk', { kind: 'ok', text: 'custom text' })
    for (const keyInQuery of [false, true]) {
      const res = await geminiRequest(mock, { key: 'gk', keyInQuery, model: 'gemini-2.5-pro' })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({
        candidates: [
          { content: { role: 'model', parts: [{ text: 'custom text' }] }, finishReason: 'STOP', index: 0 },
        ],
        usageMetadata: { promptTokenCount: expect.any(Number), candidatesTokenCount: expect.any(Number) },
        modelVersion: 'gemini-2.5-pro',
      })
    }
    expect(mock.requests.map((r) => [r.credential, r.credentialVia])).toEqual([
      ['gk', 'x-goog-api-key'],
      ['gk', 'query'],
    ])
  })

  it('gemini: tool call becomes a functionCall part', async () => {
    mock.setBehavior('gk', { kind: 'ok', toolCall: { name: 'f', arguments: { a: 1 } } })
    const body = await (await geminiRequest(mock, { key: 'gk' })).json()
    expect(body.candidates[0].content.parts).toEqual([{ functionCall: { name: 'f', args: { a: 1 } } }])
  })

  it('truncates a long user message in the default text', async () => {
    const long = 'x'.repeat(100)
    const res = await anthropicRequest(mock, {
      key: 'good',
      body: {
        model: 'm',
        max_tokens: 5,
        messages: [{ role: 'user', content: [{ type: 'text', text: long }] }],
      },
    })
    expect((await res.json()).content[0].text).toBe(`Hello from mock anthropic for ${'x'.repeat(40)}...`)
  })

  it('lists models in the shape of the API asked', async () => {
    const anthropic = await request(`${mock.url}/v1/models`, {
      headers: { 'x-api-key': 'good', 'anthropic-version': ANTHROPIC_VERSION },
    })
    expect((await anthropic.json()).data[0]).toMatchObject({ type: 'model', id: expect.any(String) })
    const openai = await request(`${mock.url}/v1/models`, { headers: { authorization: 'Bearer good' } })
    expect(await openai.json()).toMatchObject({
      object: 'list',
      data: [{ object: 'model' }, { object: 'model' }],
    })
    const gemini = await request(`${mock.url}/v1beta/models`, { headers: { 'x-goog-api-key': 'good' } })
    expect((await gemini.json()).models[0].name).toMatch(/^models\//)
    const bad = await request(`${mock.url}/v1/models`, { headers: { authorization: 'Bearer nope' } })
    expect(bad.status).toBe(401)
  })

  it('unknown route answers 404 JSON and is still recorded', async () => {
    const res = await request(`${mock.url}/v2/nothing`, {
      method: 'POST',
      headers: { authorization: 'Bearer good' },
    })
    expect(res.status).toBe(404)
    expect((await res.json()).error.message).toContain('/v2/nothing')
    expect(mock.requests[0]).toMatchObject({ routed: false, status: 404, credential: 'good' })
  })
})

describe('recording', () => {
  it('records method, path, lower-cased headers, body, credential and emits request', async () => {
    const seen = once(mock.events, 'request')
    await anthropicRequest(mock, {
      key: 'good',
      headers: { 'X-Custom-Thing': 'yes', 'anthropic-beta': 'a,b' },
    })
    const [event] = (await seen) as [RecordedRequest]
    const rec = mock.requests[0]!
    expect(event).toBe(rec)
    expect(rec).toMatchObject({
      api: 'anthropic',
      method: 'POST',
      path: '/v1/messages',
      routed: true,
      status: 200,
    })
    expect(rec.headers['x-custom-thing']).toBe('yes')
    expect(rec.headers['anthropic-beta']).toBe('a,b')
    expect(rec.headers.authorization).toBeUndefined()
    expect(rec.body.messages[0].content).toBe('ping from anthropic test')
    expect(rec).toMatchObject({ credential: 'good', credentialVia: 'x-api-key' })
    expect(rec.at).toBeLessThanOrEqual(Date.now())
  })

  it('callsFor counts requests per credential; reset clears requests and behaviors', async () => {
    await openaiRequest(mock, { key: 'good' })
    await openaiRequest(mock, { key: 'good' })
    await openaiRequest(mock, { key: 'other' })
    expect(mock.callsFor('good')).toBe(2)
    expect(mock.callsFor('other')).toBe(1)
    mock.reset()
    expect(mock.requests).toEqual([])
    expect((await openaiRequest(mock, { key: 'good' })).status).toBe(401)
  })

  it('fires response-finished with the request id', async () => {
    const finished = once(mock.events, 'response-finished')
    const res = await openaiRequest(mock, { key: 'good' })
    await res.text()
    expect((await finished)[0]).toEqual({ id: res.headers.get('x-mock-request-id') })
  })
})
