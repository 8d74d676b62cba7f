/**
 * The validation rules the mock enforces like the real APIs (credential carriers, required
 * headers and fields, malformed JSON), so gateway tests can prove their header handling.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { ANTHROPIC_OAUTH_BETA, type MockProvider, startMockProvider } from './index.ts'
import {
  anthropicRequest,
  geminiRequest,
  type LooseResponse,
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

describe('validation like the real APIs', () => {
  const anthropicError = async (res: LooseResponse) => ({ status: res.status, body: await res.json() })

  it('anthropic requires anthropic-version, model, max_tokens, messages and valid JSON', async () => {
    const noVersion = await request(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'good', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 1, messages: [] }),
    })
    expect(await anthropicError(noVersion)).toMatchObject({
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('anthropic-version') },
      },
    })
    const noMax = await anthropicRequest(mock, { key: 'good', body: { model: 'm', messages: [] } })
    expect((await anthropicError(noMax)).body.error.message).toBe('max_tokens: Field required')
    const noMessages = await anthropicRequest(mock, { key: 'good', body: { model: 'm', max_tokens: 1 } })
    expect((await anthropicError(noMessages)).body.error.message).toBe('messages: Field required')
    const malformed = await anthropicRequest(mock, { key: 'good', body: '{"model":' })
    expect(await anthropicError(malformed)).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error' } },
    })
    expect(mock.requests.at(-1)!.body).toBe('{"model":')
  })

  it('anthropic: missing credential is 401 authentication_error', async () => {
    const res = await anthropicRequest(mock, {})
    expect(res.status).toBe(401)
    expect((await res.json()).error.type).toBe('authentication_error')
  })

  it('anthropic OAuth (sk-ant-oat01-) tokens need Bearer plus the oauth beta', async () => {
    const oat = 'sk-ant-oat01-abc'
    mock.setBehavior(oat, { kind: 'ok' })
    const asApiKey = await anthropicRequest(mock, { key: oat })
    expect(asApiKey.status).toBe(401)
    const bearerNoBeta = await anthropicRequest(mock, { headers: { authorization: `Bearer ${oat}` } })
    expect(bearerNoBeta.status).toBe(401)
    expect((await bearerNoBeta.json()).error).toEqual({
      type: 'authentication_error',
      message: 'OAuth authentication is currently not supported.',
    })
    const betas = `fine-grained-tool-streaming-2025-05-14, ${ANTHROPIC_OAUTH_BETA}`
    const good = await anthropicRequest(mock, {
      headers: { authorization: `Bearer ${oat}`, 'anthropic-beta': betas },
    })
    expect(good.status).toBe(200)
    expect(mock.requests.map((r) => r.credentialVia)).toEqual(['x-api-key', 'bearer', 'bearer'])
  })

  it('anthropic API keys work as x-api-key or Bearer (SDK 1.x), or x-api-key only when configured', async () => {
    mock.setBehavior('sk-ant-api03-key', { kind: 'ok' })
    expect((await anthropicRequest(mock, { key: 'sk-ant-api03-key' })).status).toBe(200)
    const bearer = { authorization: 'Bearer sk-ant-api03-key' }
    expect((await anthropicRequest(mock, { headers: bearer })).status).toBe(200)
    const strict = await startMockProvider({ anthropicApiKeyHeader: 'x-api-key' })
    try {
      strict.setDefault({ kind: 'ok' })
      expect((await anthropicRequest(strict, { headers: bearer })).status).toBe(401)
      const withBeta = await anthropicRequest(strict, {
        headers: { ...bearer, 'anthropic-beta': ANTHROPIC_OAUTH_BETA },
      })
      expect((await withBeta.json()).error.message).toBe('Invalid bearer token')
      expect((await anthropicRequest(strict, { key: 'sk-ant-api03-key' })).status).toBe(200)
    } finally {
      await strict.close()
    }
  })

  it('anthropic: unknown versions and removed sampling parameters are 400', async () => {
    const body = (model: string) => ({ model, max_tokens: 5, temperature: 0.2, messages: [] })
    const bad = await anthropicRequest(mock, { key: 'good', headers: { 'anthropic-version': '2024-01-01' } })
    expect(bad.status).toBe(400)
    const v2026 = await anthropicRequest(mock, { key: 'good', body: body('claude-haiku-4-5') })
    expect((await v2026.json()).error.message).toBe('`temperature` is deprecated for this model.')
    const v2023 = { 'anthropic-version': '2023-06-01' }
    expect(
      (await anthropicRequest(mock, { key: 'good', headers: v2023, body: body('claude-haiku-4-5') })).status,
    ).toBe(200)
    expect(
      (await anthropicRequest(mock, { key: 'good', headers: v2023, body: body('claude-opus-4-8') })).status,
    ).toBe(400)
  })

  it('openai requires Bearer, model and messages; malformed JSON is 400 in its shape', async () => {
    const noAuth = await openaiRequest(mock, { headers: { 'x-api-key': 'good' } })
    expect(noAuth.status).toBe(401)
    expect((await noAuth.json()).error.message).toContain("didn't provide an API key")
    const noModel = await openaiRequest(mock, { key: 'good', body: { messages: [] } })
    expect(noModel.status).toBe(400)
    const noMessages = await openaiRequest(mock, { key: 'good', body: { model: 'm' } })
    expect((await noMessages.json()).error).toMatchObject({
      param: 'messages',
      code: 'missing_required_parameter',
    })
    const malformed = await openaiRequest(mock, { key: 'good', body: 'nope{' })
    expect(malformed.status).toBe(400)
    expect((await malformed.json()).error).toMatchObject({
      type: 'invalid_request_error',
      param: null,
      code: null,
    })
  })

  it('gemini: no key is 403, no contents or bad JSON is 400 INVALID_ARGUMENT', async () => {
    const noKey = await geminiRequest(mock, {})
    expect(noKey.status).toBe(403)
    expect((await noKey.json()).error.status).toBe('PERMISSION_DENIED')
    const noContents = await geminiRequest(mock, { key: 'good', body: {} })
    expect((await noContents.json()).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' })
    const malformed = await geminiRequest(mock, { key: 'good', body: '[' })
    expect((await malformed.json()).error.status).toBe('INVALID_ARGUMENT')
  })

  it('validation failures do not consume a behavior queue entry', async () => {
    mock.setBehavior('q', [{ kind: 'rate_limit' }, { kind: 'ok' }])
    await openaiRequest(mock, { key: 'q', body: { model: 'm' } })
    expect((await openaiRequest(mock, { key: 'q' })).status).toBe(429)
    expect((await openaiRequest(mock, { key: 'q' })).status).toBe(200)
  })
})
