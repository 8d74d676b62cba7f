/**
 * Scripted failure behaviors in each API's own error shape, and queue/default semantics.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ANTHROPIC_CREDIT_MESSAGE,
  type Behavior,
  CLAUDE_CODE_ONLY_MESSAGE,
  type MockProvider,
  startMockProvider,
} from './index.ts'
import { anthropicRequest, geminiRequest, openaiRequest } from './test-requests.ts'

let mock: MockProvider

beforeEach(async () => {
  mock ??= await startMockProvider()
  mock.reset()
})
afterAll(() => mock?.close())

async function answer(api: 'anthropic' | 'openai' | 'gemini', behavior: Behavior) {
  mock.setBehavior('k', behavior)
  const send = { anthropic: anthropicRequest, openai: openaiRequest, gemini: geminiRequest }[api]
  const res = await send(mock, { key: 'k' })
  return { status: res.status, headers: res.headers, body: await res.json() }
}

describe('rate_limit', () => {
  it('anthropic: 429 rate_limit_error with retry-after and ratelimit headers', async () => {
    const r = await answer('anthropic', { kind: 'rate_limit', retryAfterSeconds: 17 })
    expect(r.status).toBe(429)
    expect(r.body).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
      request_id: expect.any(String),
    })
    expect(r.headers.get('retry-after')).toBe('17')
    expect(r.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0')
    expect(Date.parse(r.headers.get('anthropic-ratelimit-requests-reset')!)).toBeGreaterThan(Date.now())
  })

  it('openai: 429 rate_limit_exceeded with retry-after and x-ratelimit headers', async () => {
    const r = await answer('openai', { kind: 'rate_limit', retryAfterSeconds: 3 })
    expect(r.status).toBe(429)
    expect(r.body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null })
    expect(r.body.error.message).toContain('gpt-5.4-mini')
    expect(r.headers.get('retry-after')).toBe('3')
    expect(r.headers.get('x-ratelimit-reset-requests')).toBe('3s')
  })

  it('without retryAfterSeconds there is no retry-after header', async () => {
    const r = await answer('openai', { kind: 'rate_limit' })
    expect(r.headers.get('retry-after')).toBeNull()
    expect(r.body.error.message).not.toContain('try again in')
  })

  it('gemini: 429 RESOURCE_EXHAUSTED with RetryInfo in the body', async () => {
    const r = await answer('gemini', { kind: 'rate_limit', retryAfterSeconds: 37 })
    expect(r.status).toBe(429)
    expect(r.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' })
    expect(r.body.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '37s',
    })
  })
})

describe('other failures', () => {
  it('overloaded: anthropic 529, openai 503, gemini 503 UNAVAILABLE', async () => {
    const a = await answer('anthropic', { kind: 'overloaded' })
    expect([a.status, a.body.error]).toEqual([529, { type: 'overloaded_error', message: 'Overloaded' }])
    const o = await answer('openai', { kind: 'overloaded' })
    expect([o.status, o.body.error.type]).toEqual([503, 'server_error'])
    const g = await answer('gemini', { kind: 'overloaded' })
    expect([g.status, g.body.error.status]).toEqual([503, 'UNAVAILABLE'])
  })

  it('auth: anthropic/openai 401, gemini 400 API_KEY_INVALID (as the real API)', async () => {
    const a = await answer('anthropic', { kind: 'auth' })
    expect([a.status, a.body.error.type]).toEqual([401, 'authentication_error'])
    const o = await answer('openai', { kind: 'auth' })
    expect([o.status, o.body.error.code]).toEqual([401, 'invalid_api_key'])
    const g = await answer('gemini', { kind: 'auth' })
    expect([g.status, g.body.error.status, g.body.error.details[0].reason]).toEqual([
      400,
      'INVALID_ARGUMENT',
      'API_KEY_INVALID',
    ])
    const oauth = await geminiRequest(mock, { headers: { authorization: 'Bearer ya29.bad' } })
    expect([oauth.status, (await oauth.json()).error.status]).toEqual([401, 'UNAUTHENTICATED'])
  })

  it('unknown credentials get auth by default; setDefault changes that', async () => {
    const res = await openaiRequest(mock, { key: 'stranger-key-1234' })
    expect(res.status).toBe(401)
    const message: string = (await res.json()).error.message
    expect(message).toContain('str**********1234')
    expect(message).not.toContain('stranger-key-1234')
    mock.setDefault({ kind: 'ok', text: 'anyone' })
    const ok = await openaiRequest(mock, { key: 'stranger-key-1234' })
    expect((await ok.json()).choices[0].message.content).toBe('anyone')
  })

  it('billing: anthropic 400 credit balance, openai 429 insufficient_quota, gemini 403 billing', async () => {
    const a = await answer('anthropic', { kind: 'billing' })
    expect([a.status, a.body.error]).toEqual([
      400,
      { type: 'invalid_request_error', message: ANTHROPIC_CREDIT_MESSAGE },
    ])
    const o = await answer('openai', { kind: 'billing' })
    expect([o.status, o.body.error.type, o.body.error.code]).toEqual([
      429,
      'insufficient_quota',
      'insufficient_quota',
    ])
    const g = await answer('gemini', { kind: 'billing' })
    expect([g.status, g.body.error.status]).toEqual([403, 'PERMISSION_DENIED'])
    expect(g.body.error.message).toContain('requires billing to be enabled')
  })

  it('claude_code_only: anthropic 400 invalid_request_error with the exact message', async () => {
    const a = await answer('anthropic', { kind: 'claude_code_only' })
    expect([a.status, a.body.error]).toEqual([
      400,
      { type: 'invalid_request_error', message: CLAUDE_CODE_ONLY_MESSAGE },
    ])
  })

  it('error: raw status, body and headers; default body in the API shape', async () => {
    const raw = await answer('openai', {
      kind: 'error',
      status: 418,
      body: { teapot: true },
      headers: { 'x-extra': '1' },
    })
    expect([raw.status, raw.body, raw.headers.get('x-extra')]).toEqual([418, { teapot: true }, '1'])
    const a = await answer('anthropic', { kind: 'error', status: 500 })
    expect([a.status, a.body.type, a.body.error.type]).toEqual([500, 'error', 'api_error'])
    const g = await answer('gemini', { kind: 'error', status: 504 })
    expect(g.body.error).toMatchObject({ code: 504, status: 'DEADLINE_EXCEEDED' })
  })

  it('error with a string body sends it verbatim', async () => {
    mock.setBehavior('k', { kind: 'error', status: 502, body: '<html>bad gateway</html>' })
    const res = await openaiRequest(mock, { key: 'k' })
    expect([res.status, await res.text()]).toEqual([502, '<html>bad gateway</html>'])
  })
})

describe('queues', () => {
  it('consumes one entry per request and repeats the last', async () => {
    mock.setBehavior('k', [{ kind: 'rate_limit' }, { kind: 'overloaded' }, { kind: 'ok' }])
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await anthropicRequest(mock, { key: 'k' })).status)
    expect(statuses).toEqual([429, 529, 200, 200, 200])
    expect(mock.callsFor('k')).toBe(5)
  })

  it('queues are per credential and setBehavior replaces a queue', async () => {
    mock.setBehavior('a', [{ kind: 'rate_limit' }, { kind: 'ok' }])
    mock.setBehavior('b', { kind: 'ok' })
    expect((await openaiRequest(mock, { key: 'b' })).status).toBe(200)
    expect((await openaiRequest(mock, { key: 'a' })).status).toBe(429)
    mock.setBehavior('a', [{ kind: 'billing' }, { kind: 'ok' }])
    expect((await openaiRequest(mock, { key: 'a' })).status).toBe(429)
    expect((await openaiRequest(mock, { key: 'a' })).status).toBe(200)
  })

  it('rejects an empty queue', () => {
    expect(() => mock.setBehavior('k', [])).toThrow(/empty/)
  })
})
