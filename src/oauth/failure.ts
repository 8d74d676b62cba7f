/**
 * Refresh failures: terminal ones need a new login and are persisted (never retried for the
 * same credential generation, never deleting the credential); transient ones keep the old
 * credential and back off (security R3; auth-spec 6.5 for the reason codes and patterns).
 */
import { OpenclawError } from '../errors.ts'
import { redactPatterns, redactSecrets } from '../util/redact.ts'

export type TerminalReason =
  | 'refresh_token_reused'
  | 'invalid_grant'
  | 'sign_in_again'
  | 'invalid_refresh_token'
  | 'revoked'

export type TransientReason =
  | 'network'
  | 'timeout'
  | 'server_error'
  | 'rate_limited'
  | 'malformed'
  | 'rejected'

export type RefreshFailure =
  | { kind: 'terminal'; reason: TerminalReason; detail: string }
  | { kind: 'transient'; reason: TransientReason; detail: string }

export const TERMINAL_REASONS: readonly TerminalReason[] = [
  'refresh_token_reused',
  'invalid_grant',
  'sign_in_again',
  'invalid_refresh_token',
  'revoked',
]

const PATTERNS: ReadonlyArray<[RegExp, TerminalReason]> = [
  [/refresh[_\s-]?token[_\s-]?reused/i, 'refresh_token_reused'],
  [/invalid[_\s-]?grant/i, 'invalid_grant'],
  [/sign(?:ing)?[\s_-]*in[\s_-]*again/i, 'sign_in_again'],
  [/invalid[_\s-]?refresh[_\s-]?token/i, 'invalid_refresh_token'],
  [/revoked/i, 'revoked'],
]

/**
 * Classifies an HTTP answer of the token endpoint that was not a usable success. `sent` are the
 * secrets of the request (refresh token, code, verifier, client secret): servers do quote them
 * ("refresh token rt-... was revoked"), and the detail travels to the client's HTTP error, the
 * store's failure marker and `models status`, so they go before the text is cut to size.
 */
export function classifyHttpFailure(
  status: number,
  bodyText: string,
  sent: readonly string[] = [],
): RefreshFailure {
  const detail = redactPatterns(summarizeBody(redactSecrets(bodyText, sent)))
  for (const [re, reason] of PATTERNS) if (re.test(bodyText)) return { kind: 'terminal', reason, detail }
  if (status === 401 && /failed to authenticate/i.test(bodyText))
    return { kind: 'terminal', reason: 'revoked', detail }
  if (status >= 500) return { kind: 'transient', reason: 'server_error', detail: `HTTP ${status}` }
  if (status === 429) return { kind: 'transient', reason: 'rate_limited', detail: 'HTTP 429' }
  // Other 4xx answers (invalid_request, invalid_client...) are not proof the token is dead;
  // back off and say what the server said.
  return { kind: 'transient', reason: 'rejected', detail: `HTTP ${status}${detail ? `: ${detail}` : ''}` }
}

/** `error` / `error_description` / OpenAI's nested `error.code` / `message`, trimmed and bounded. */
export function summarizeBody(text: string): string {
  let parts: string[] = []
  try {
    const v: unknown = JSON.parse(text)
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>
      const err = o.error
      if (typeof err === 'string') parts.push(err)
      else if (err && typeof err === 'object') {
        const e = err as Record<string, unknown>
        for (const k of ['code', 'type', 'message']) if (typeof e[k] === 'string') parts.push(e[k] as string)
      }
      for (const k of ['error_description', 'message'])
        if (typeof o[k] === 'string') parts.push(o[k] as string)
    }
  } catch {
    parts = [text]
  }
  return parts
    .join(': ')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 200)
}

/** auth-spec 6.5: the provider id in the hint must be a plain id, else the provider-less command. */
export function loginCommand(provider: string): string {
  return /^[a-z0-9][a-z0-9._-]*$/.test(provider)
    ? `openclaw models auth login --provider ${provider}`
    : 'openclaw models auth login'
}

export function reauthError(
  provider: string,
  profileId: string,
  reason: string,
  detail?: string,
): OpenclawError {
  return new OpenclawError(
    'reauth_required',
    `OAuth token refresh failed for ${provider}: profile ${profileId} needs a new login (${reason})${detail ? `: ${detail}` : ''}.`,
    {
      hint: `Run: ${loginCommand(provider)}`,
      details: { provider, profileId, reason },
    },
  )
}

export function transientError(
  provider: string,
  profileId: string,
  reason: string,
  detail: string,
  retryAt?: number,
): OpenclawError {
  const when = retryAt ? ` Next attempt after ${new Date(retryAt).toISOString()}.` : ''
  return new OpenclawError(
    'refresh_failed',
    `OAuth token refresh for ${profileId} (${provider}) failed temporarily (${reason}: ${detail}); the stored credential is kept.${when}`,
    { retryable: true, details: { provider, profileId, reason, ...(retryAt ? { retryAt } : {}) } },
  )
}
