/**
 * Gateway errors in the inbound API's own error shape, so the official SDKs raise their usual
 * typed errors (RateLimitError, AuthenticationError...). The `openclaw` member carries which
 * profiles were tried and why (ids and reasons only, never secrets).
 */
import type { AttemptRecord } from './failover.ts'

export type InboundApi = 'openai' | 'anthropic'

export interface GatewayErrorInfo {
  status: number
  kind: string
  message: string
  hint?: string
  runId?: string
  attempts?: AttemptRecord[]
  retryAfterMs?: number
}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
}

const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
}

export function errorBody(api: InboundApi, e: GatewayErrorInfo): Record<string, unknown> {
  const message = e.hint ? `${e.message} ${e.hint}` : e.message
  const openclaw = {
    kind: e.kind,
    ...(e.runId ? { runId: e.runId } : {}),
    ...(e.attempts ? { attempts: e.attempts } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  }
  if (api === 'anthropic') {
    return { type: 'error', error: { type: ANTHROPIC_TYPES[e.status] ?? 'api_error', message }, openclaw }
  }
  return {
    error: { message, type: OPENAI_TYPES[e.status] ?? 'api_error', code: e.kind, param: null },
    openclaw,
  }
}

/** Headers for an error response: Retry-After (whole seconds, at least 1) when known. */
export function errorHeaders(e: GatewayErrorInfo): Record<string, string> {
  return e.retryAfterMs !== undefined
    ? { 'retry-after': String(Math.max(1, Math.ceil(e.retryAfterMs / 1000))) }
    : {}
}
