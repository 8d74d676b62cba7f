import { describe, expect, it } from 'vitest'
import type { ProviderEndpoint } from '../providers/registry.ts'
import { type RequestContext, reuseClientBody, upstreamBody } from './upstream-attempt.ts'

const endpoint = { id: 'openai', api: 'openai-completions' } as ProviderEndpoint
const reuse = (raw: string, model = 'gpt-x') => reuseClientBody(raw, JSON.parse(raw), model)

describe('reuseClientBody: the client bytes, model swapped, only when provably equal', () => {
  it('swaps a leading model value and keeps every other byte (spacing, key order, unknown fields)', () => {
    const raw =
      '{ "model" : "openai/gpt-x",\n  "seed":7, "messages":[{"role":"user","content":"hi \\u00e9"}] }'
    const out = reuse(raw)!
    expect(out).toBe(raw.replace('"openai/gpt-x"', '"gpt-x"'))
    expect(JSON.parse(out)).toEqual({ ...JSON.parse(raw), model: 'gpt-x' })
  })

  it('returns the same text when the model needs no change', () => {
    const raw = '{"model":"gpt-x","messages":[]}'
    expect(reuse(raw)).toBe(raw)
  })

  it('declines when it cannot prove the swap is the whole change', () => {
    // model not first, a duplicate key, an escaped spelling, a nested "model", no model at all
    expect(reuse('{"messages":[],"model":"openai/gpt-x"}')).toBeUndefined()
    expect(reuse('{"model":"openai/gpt-x","model":"openai/gpt-x"}')).toBeUndefined()
    expect(reuse('{"model":"openai/gpt-x","model":"other"}')).toBeUndefined()
    expect(reuse('{"model":"openai\\/gpt-x","messages":[]}')).toBeUndefined()
    expect(reuse('{"model":"openai/gpt-x","metadata":{"model":"x"}}')).toBeUndefined()
    expect(reuse('{"messages":[]}')).toBeUndefined()
    expect(reuse('{"model":7}')).toBeUndefined()
  })

  it('declines when a field the gateway strips is present (E-04)', () => {
    for (const f of ['api_base', 'base_url', 'extra_headers', 'headers', 'api_key']) {
      expect(reuse(`{"model":"openai/gpt-x","${f}":"http://127.0.0.1:1"}`)).toBeUndefined()
    }
  })
})

describe('upstreamBody: pass-through', () => {
  const ctx = (raw: string): RequestContext => ({
    inbound: 'openai',
    body: JSON.parse(raw),
    rawBody: raw,
    stream: false,
    clientHeaders: {},
    signal: { aborted: false, addEventListener() {}, removeEventListener() {} },
    now: () => 0,
  })

  it('re-encodes without the dangerous fields when the bytes cannot be reused', () => {
    const raw = '{"model":"openai/gpt-x","base_url":"http://127.0.0.1:9","messages":[]}'
    expect(JSON.parse(upstreamBody(ctx(raw), endpoint, 'gpt-x'))).toEqual({ model: 'gpt-x', messages: [] })
  })

  it('reuses the bytes when it can', () => {
    const raw = '{"model":"openai/gpt-x","messages":[{"role":"user","content":"x"}]}'
    expect(upstreamBody(ctx(raw), endpoint, 'gpt-x')).toBe(raw.replace('openai/gpt-x', 'gpt-x'))
  })
})
