import { describe, expect, it } from 'vitest'
import { PROVIDER_CASES } from './classify.cases.ts'
import { GOOGLE_CASES } from './classify.cases-google.ts'
import { MORE_CASES } from './classify.cases-more.ts'
import { TRANSPORT_CASES } from './classify.cases-transport.ts'
import { CLAUDE_CODE_HINT, classifyFailure, redact } from './classify.ts'

const CASES = [...PROVIDER_CASES, ...GOOGLE_CASES, ...MORE_CASES, ...TRANSPORT_CASES]

describe('classifyFailure: provider error table', () => {
  it('covers at least 40 realistic shapes', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40)
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length)
  })

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = classifyFailure(c.input)
    expect(result.reason).toBe(c.reason)
    expect(result.retryAfterMs).toBe(c.retryAfterMs)
    if (c.hint) expect(result.hint).toBeTruthy()
    else expect(result.hint).toBeUndefined()
    expect(result.detail.length).toBeGreaterThan(0)
    expect(result.detail.length).toBeLessThanOrEqual(300)
  })
})

describe('classifyFailure: misclassification pitfalls (lessons 4B)', () => {
  it('#22294: Gemini 500/503 never become rate_limit, even with quota wording', () => {
    for (const status of [500, 502, 503]) {
      const body = JSON.stringify({
        error: {
          code: status,
          status: 'UNAVAILABLE',
          message: 'Resource exhausted while serving; quota check failed',
        },
      })
      const { reason } = classifyFailure({ provider: 'google', status, bodyText: body })
      expect(reason).not.toBe('rate_limit')
      expect(reason).toBe('server_error')
    }
  })

  it('#5240: the reason reflects the input instead of a hard-coded rate_limit', () => {
    expect(classifyFailure({}).reason).toBe('unknown')
    expect(classifyFailure({}).detail).toBe('No error details')
    const reasons = new Set(
      [401, 402, 404, 429, 500, 529].map((status) => classifyFailure({ status }).reason),
    )
    expect(reasons).toEqual(
      new Set(['auth', 'billing', 'model_not_found', 'rate_limit', 'server_error', 'overloaded']),
    )
  })

  it('#91659: our own idle-timeout abort is not a provider timeout', () => {
    const result = classifyFailure({
      transport: 'aborted',
      message: 'LLM idle timeout (120s): no response from model',
    })
    expect(result.reason).toBe('unknown')
    expect(classifyFailure({ message: 'This operation was aborted' }).reason).toBe('unknown')
  })

  it('#75332/#81902/#82057: a 429 surfacing through a stream is a rate limit, not a timeout', () => {
    const sse = `event: error\ndata: ${JSON.stringify({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'Number of concurrent connections has exceeded your rate limit.',
      },
    })}\n\n`
    expect(classifyFailure({ provider: 'anthropic', status: 200, bodyText: sse }).reason).toBe('rate_limit')
    expect(classifyFailure({ message: 'stream idle after 429 Too Many Requests' }).reason).toBe('rate_limit')
    const flattened = `429 ${JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } })}`
    expect(classifyFailure({ message: flattened }).reason).toBe('rate_limit')
  })

  it('#71709: a 400 that merely mentions billing or credits stays format', () => {
    const body = JSON.stringify({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message:
          "tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$' (got 'billing credits lookup')",
      },
    })
    expect(classifyFailure({ provider: 'anthropic', status: 400, bodyText: body }).reason).toBe('format')
    expect(
      classifyFailure({ status: 422, message: 'Unprocessable: field "billing_address" is required' }).reason,
    ).toBe('format')
  })

  it('#64224: a proxy budget reset window is a short rate_limit, not an hours-long billing disable', () => {
    const body = JSON.stringify({
      error: {
        message: 'Budget has been exceeded! Current cost: 10.02, Max budget: 10.0',
        type: 'budget_exceeded',
        param: null,
        code: '400',
      },
    })
    expect(classifyFailure({ provider: 'litellm', status: 400, bodyText: body }).reason).toBe('rate_limit')
    expect(
      classifyFailure({ provider: 'litellm', status: 402, message: 'Budget has been exceeded' }).reason,
    ).toBe('rate_limit')
  })

  it('peers #13909: a 403 missing-scope error is auth, never rate_limit', () => {
    const { reason } = classifyFailure({
      status: 403,
      message: 'Request had insufficient authentication scopes.',
    })
    expect(reason).toBe('auth')
  })
})

describe('classifyFailure: message patterns without a status', () => {
  it.each([
    ['Error: 429 Too Many Requests', 'rate_limit'],
    ['rate_limit_error', 'rate_limit'],
    ['quota exceeded for metric generate_content_requests', 'rate_limit'],
    ['Request was throttled. Expected available in 3 seconds.', 'rate_limit'],
    ['Overloaded', 'overloaded'],
    ['ModelNotReadyException: model is loading', 'overloaded'],
    ['The service is at capacity', 'overloaded'],
    ['connect ETIMEDOUT 104.18.0.1:443', 'timeout'],
    ['invalid api key', 'auth'],
    ['401 Unauthorized', 'auth'],
    ['permission_error: not allowed', 'auth'],
    ['Your access token expired', 'auth'],
    ['insufficient credits', 'billing'],
    ['Payment Required', 'billing'],
    ['Billing account not found', 'billing'],
    ['Your API key has been deactivated', 'auth_permanent'],
    ['invalid_request_error: tool_use ids must be unique', 'format'],
    ['something odd happened', 'unknown'],
  ] as const)('%s -> %s', (message, reason) => {
    expect(classifyFailure({ message }).reason).toBe(reason)
  })
})

describe('classifyFailure: detail, hint and hygiene', () => {
  it('writes a short human sentence with status, type and message', () => {
    const body = JSON.stringify({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
      },
    })
    expect(classifyFailure({ status: 429, bodyText: body }).detail).toBe(
      'HTTP 429 rate_limit_error: Number of request tokens has exceeded your per-minute rate limit',
    )
  })

  it('truncates detail to 300 characters', () => {
    const detail = classifyFailure({ status: 400, message: 'x'.repeat(5000) }).detail
    expect(detail.length).toBe(300)
    expect(detail.endsWith('…')).toBe(true)
  })

  it('never echoes request headers or key material', () => {
    const result = classifyFailure({
      status: 403,
      bodyText: JSON.stringify({
        error: {
          code: 403,
          status: 'PERMISSION_DENIED',
          message:
            "Permission denied: Consumer 'api_key:AIzaSyA1234567890abcdefghijklmnopq' has been suspended.",
        },
      }),
      headers: {
        authorization: 'Bearer sk-ant-oat01-secretsecretsecret',
        'x-api-key': 'sk-ant-api03-abcdefghijkl',
      },
    })
    expect(result.reason).toBe('auth_permanent')
    expect(result.detail).not.toContain('AIza')
    expect(result.detail).not.toContain('secret')
    expect(result.detail).not.toContain('sk-ant')
    expect(redact('key sk-ant-api03-abcdefghijklmnop and Bearer abc.def.ghi123')).toBe(
      'key [redacted] and [redacted]',
    )
  })

  it('reduces an HTML error page to its title', () => {
    const detail = classifyFailure({
      status: 502,
      bodyText: '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>',
    }).detail
    expect(detail).toBe('HTTP 502: 502 Bad Gateway')
  })

  it('labels transport failures', () => {
    expect(classifyFailure({ transport: 'reset', message: 'read ECONNRESET' }).detail).toBe(
      'Connection reset: read ECONNRESET',
    )
  })

  it('tells Claude Code token users exactly how to switch to an API key', () => {
    const result = classifyFailure({
      provider: 'anthropic',
      status: 401,
      message:
        'This credential is only authorized for use with Claude Code and cannot be used for other API requests.',
    })
    expect(result.reason).toBe('auth')
    expect(result.hint).toBe(CLAUDE_CODE_HINT)
    expect(result.hint).toBe(
      'This token only works inside Claude Code. Use an Anthropic API key instead: printf "%s\\n" "$ANTHROPIC_API_KEY" | openclaw models auth paste-api-key --provider anthropic',
    )
  })

  it('omits retryAfterMs when headers say nothing usable', () => {
    expect(classifyFailure({ status: 429, headers: { 'retry-after': 'soon' } }).retryAfterMs).toBeUndefined()
  })

  it('without now, absolute reset stamps are skipped but relative delays still count', () => {
    expect(
      classifyFailure({ status: 503, headers: { 'retry-after': 'Sun, 22 Nov 2026 12:02:00 GMT' } })
        .retryAfterMs,
    ).toBeUndefined()
    expect(classifyFailure({ status: 429, headers: { 'retry-after': '3' } }).retryAfterMs).toBe(3000)
  })
})
