/**
 * Each API's own error envelope, and how each scripted failure looks on each API:
 *   Anthropic `{type:'error', error:{type, message}, request_id}`
 *   OpenAI    `{error:{message, type, param, code}}`
 *   Gemini    `{error:{code, message, status, details?}}`
 */
import type { ErrorReply } from './exchange.ts'
import type { CredentialVia, FailureBehavior, MockApi } from './types.ts'

export const CLAUDE_CODE_ONLY_MESSAGE =
  'This credential is only authorized for use with Claude Code and cannot be used for other API requests.'
export const ANTHROPIC_CREDIT_MESSAGE =
  'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'

export interface ErrorContext {
  requestId: string
  model: string
  credential: string | undefined
  via: CredentialVia | undefined
}

export function anthropicError(
  ctx: ErrorContext,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): ErrorReply {
  const requestId = `req_${ctx.requestId}`
  return {
    status,
    body: { type: 'error', error: { type, message }, request_id: requestId },
    headers: { 'request-id': requestId, ...headers },
  }
}

export function openaiError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
  headers: Record<string, string> = {},
): ErrorReply {
  return { status, body: { error: { message, type, param, code } }, headers }
}

const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

export function geminiError(
  status: number,
  message: string,
  details?: unknown[],
  statusWord?: string,
): ErrorReply {
  const word = statusWord ?? GOOGLE_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION')
  return { status, body: { error: { code: status, message, status: word, ...(details ? { details } : {}) } } }
}

const ANTHROPIC_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
}

/** The API's generic error for a status, used by `{ kind: 'error' }` without a body. */
function genericError(api: MockApi, ctx: ErrorContext, status: number): ErrorReply {
  const message = `Mock upstream error ${status}`
  if (api === 'anthropic') {
    const type = ANTHROPIC_TYPE[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error')
    return anthropicError(ctx, status, type, message)
  }
  if (api === 'openai')
    return openaiError(status, message, status >= 500 ? 'server_error' : 'invalid_request_error', null)
  return geminiError(status, message)
}

function mask(key: string | undefined): string {
  if (!key) return ''
  if (key.length <= 8) return '*'.repeat(key.length)
  return `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`
}

function googleErrorInfo(reason: string): Record<string, unknown> {
  return {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain: 'googleapis.com',
    metadata: { service: 'generativelanguage.googleapis.com' },
  }
}

export function googleKeyInvalid(): ErrorReply {
  const message = 'API key not valid. Please pass a valid API key.'
  return geminiError(400, message, [googleErrorInfo('API_KEY_INVALID')])
}

function rateLimit(api: MockApi, ctx: ErrorContext, seconds: number | undefined): ErrorReply {
  const retry: Record<string, string> = seconds === undefined ? {} : { 'retry-after': String(seconds) }
  if (api === 'anthropic') {
    const headers: Record<string, string> = {
      ...retry,
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '0',
    }
    if (seconds !== undefined) {
      headers['anthropic-ratelimit-requests-reset'] = new Date(Date.now() + seconds * 1000).toISOString()
    }
    const message =
      'This request would exceed the rate limit for your organization of 50 requests per minute. ' +
      'For details, refer to: https://docs.claude.com/en/api/rate-limits. ' +
      'You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.'
    return anthropicError(ctx, 429, 'rate_limit_error', message, headers)
  }
  if (api === 'openai') {
    const headers: Record<string, string> = {
      ...retry,
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '0',
    }
    if (seconds !== undefined) headers['x-ratelimit-reset-requests'] = `${seconds}s`
    const retryText = seconds === undefined ? '' : ` Please try again in ${seconds}s.`
    const message =
      `Rate limit reached for ${ctx.model} in organization org-mock on requests per min (RPM): Limit 500, Used 500, Requested 1.` +
      `${retryText} Visit https://platform.openai.com/account/rate-limits to learn more.`
    return openaiError(429, message, 'requests', 'rate_limit_exceeded', null, headers)
  }
  // Gemini states the delay in a RetryInfo detail, not a Retry-After header.
  const details: unknown[] = [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        { quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaValue: '15' },
      ],
    },
  ]
  if (seconds !== undefined)
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` })
  return geminiError(429, 'Resource has been exhausted (e.g. check quota).', details)
}

export function failureReply(api: MockApi, ctx: ErrorContext, behavior: FailureBehavior): ErrorReply {
  switch (behavior.kind) {
    case 'error': {
      const base = behavior.body === undefined ? genericError(api, ctx, behavior.status) : undefined
      return {
        status: behavior.status,
        body: base ? base.body : behavior.body,
        headers: { ...base?.headers, ...behavior.headers },
      }
    }
    case 'rate_limit':
      return rateLimit(api, ctx, behavior.retryAfterSeconds)
    case 'overloaded':
      if (api === 'anthropic') return anthropicError(ctx, 529, 'overloaded_error', 'Overloaded')
      if (api === 'openai') {
        return openaiError(
          503,
          'The engine is currently overloaded, please try again later.',
          'server_error',
          null,
        )
      }
      return geminiError(503, 'The model is overloaded. Please try again later.')
    case 'auth':
      if (api === 'anthropic') {
        const message = ctx.credential?.startsWith('sk-ant-oat')
          ? 'Invalid bearer token'
          : 'invalid x-api-key'
        return anthropicError(ctx, 401, 'authentication_error', message)
      }
      if (api === 'openai') {
        const message = `Incorrect API key provided: ${mask(ctx.credential)}. You can find your API key at https://platform.openai.com/account/api-keys.`
        return openaiError(401, message, 'invalid_request_error', 'invalid_api_key')
      }
      // The Gemini API answers a bad key with 400 INVALID_ARGUMENT / API_KEY_INVALID, not 401;
      // only a bad OAuth access token (Bearer) gets 401 UNAUTHENTICATED.
      if (ctx.via === 'bearer') {
        return geminiError(
          401,
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        )
      }
      return googleKeyInvalid()
    case 'billing':
      if (api === 'anthropic')
        return anthropicError(ctx, 400, 'invalid_request_error', ANTHROPIC_CREDIT_MESSAGE)
      if (api === 'openai') {
        const message =
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.'
        return openaiError(429, message, 'insufficient_quota', 'insufficient_quota')
      }
      return geminiError(
        403,
        'This API method requires billing to be enabled. Please enable billing on project #000000000000 by visiting https://console.developers.google.com/billing/enable?project=000000000000 then retry.',
        [googleErrorInfo('BILLING_DISABLED')],
      )
    case 'claude_code_only':
      if (api === 'anthropic')
        return anthropicError(ctx, 400, 'invalid_request_error', CLAUDE_CODE_ONLY_MESSAGE)
      if (api === 'openai') return openaiError(400, CLAUDE_CODE_ONLY_MESSAGE, 'invalid_request_error', null)
      return geminiError(400, CLAUDE_CODE_ONLY_MESSAGE)
  }
}
