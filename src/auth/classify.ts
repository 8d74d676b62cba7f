/**
 * Upstream failure → FailureClass (DECISIONS section 5). Status code first, then wording.
 * The class decides everything downstream (rotate, cool down, disable, give up), so a wrong
 * answer here is what took agents offline for hours in OpenClaw (lessons section 4B).
 */

import { extractErrorFields } from './classify-body.ts'
import {
  AUTH,
  AUTH_INVALID_KEY,
  AUTH_PERMANENT,
  BILLING_STRONG,
  BILLING_WEAK,
  CLAUDE_CODE_ONLY,
  FORMAT,
  MODEL_NOT_FOUND,
  matchesAny,
  OPENROUTER_BARE_ERROR,
  OPENROUTER_KEY_LIMIT,
  OVERLOADED,
  PERIODIC_LIMIT,
  RATE_LIMIT,
  SERVER_ERROR,
  TIMEOUT,
} from './classify-patterns.ts'
import {
  getHeader,
  type HeaderSource,
  MAX_RETRY_AFTER_MS,
  parseGoDurationMs,
  parseRetryAfterMs,
} from './retry-after.ts'
import type { FailureClass } from './types.ts'

export interface UpstreamFailure {
  status?: number
  message?: string
  code?: string
  type?: string
  provider?: string
  bodyText?: string
  headers?: HeaderSource
  /** Needed only to turn HTTP-date / RFC 3339 reset headers into a delay. */
  now?: number
  /** Set when no response arrived. `aborted` means we cancelled (client idle timeout, user stop). */
  transport?: 'timeout' | 'reset' | 'refused' | 'aborted'
}

export interface Classification {
  reason: FailureClass
  retryAfterMs?: number
  /** Waiting cannot help (e.g. a refresh token the provider refused): no retry time is offered. */
  waitingWontHelp?: boolean
  hint?: string
  /** One line for humans; never carries request headers or key material. */
  detail: string
}

export const CLAUDE_CODE_HINT =
  'This token only works inside Claude Code. Use an Anthropic API key instead: ' +
  'printf "%s\\n" "$ANTHROPIC_API_KEY" | openclaw models auth paste-api-key --provider anthropic'

const DETAIL_MAX = 300

interface Facts {
  status: number | undefined
  provider: string
  /** Lower-cased message + type + code + wrapped upstream text. */
  text: string
  /** Lower-cased message alone, for "bare message" rules. */
  message: string
  type: string | undefined
  code: string | undefined
  displayMessage: string | undefined
  retryDelay: string | undefined
}

export function classifyFailure(input: UpstreamFailure): Classification {
  const facts = gatherFacts(input)
  const reason = decide(input.transport, facts)
  const out: Classification = { reason, detail: describe(input, facts) }
  const retryAfterMs =
    parseRetryAfterMs(input.headers, input.now ?? Number.NaN) ?? bodyRetryDelayMs(facts.retryDelay)
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs
  if (reason === 'auth' && matchesAny(facts.text, CLAUDE_CODE_ONLY)) out.hint = CLAUDE_CODE_HINT
  return out
}

function gatherFacts(input: UpstreamFailure): Facts {
  const body = extractErrorFields(input.bodyText)
  // Some SDKs only hand us a message with the body flattened into it.
  const fromMessage = input.bodyText ? {} : extractErrorFields(input.message)
  const displayMessage =
    body.message ?? fromMessage.message ?? input.message?.trim() ?? plainBody(input.bodyText)
  // Bedrock names the exception in a header when the body is empty.
  const awsType = getHeader(input.headers, 'x-amzn-errortype')?.split(':')[0]
  const type = input.type ?? body.type ?? fromMessage.type ?? awsType
  const code = input.code ?? body.code ?? fromMessage.code
  const status = validStatus(input.status) ?? validStatus(body.status) ?? validStatus(fromMessage.status)
  const parts = [input.message, body.message, fromMessage.message, type, code, body.extra, fromMessage.extra]
  if (!body.message && !fromMessage.message) parts.push(plainBody(input.bodyText))
  return {
    status,
    provider: (input.provider ?? '').trim().toLowerCase(),
    text: parts.filter(Boolean).join(' \n ').toLowerCase(),
    message: (displayMessage ?? '').trim().toLowerCase(),
    type,
    code,
    displayMessage,
    retryDelay: body.retryDelay ?? fromMessage.retryDelay,
  }
}

function bodyRetryDelayMs(retryDelay: string | undefined): number | undefined {
  const ms = parseGoDurationMs(retryDelay)
  return ms === undefined ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.round(ms))
}

function validStatus(status: number | undefined): number | undefined {
  return status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599
    ? status
    : undefined
}

function decide(transport: UpstreamFailure['transport'], f: Facts): FailureClass {
  // Our own abort (user stop, client idle watchdog) is no evidence against the provider (#91659).
  if (transport === 'aborted') return 'unknown'
  if (transport) return 'timeout'
  if (matchesAny(f.text, CLAUDE_CODE_ONLY)) return 'auth'
  return (f.status === undefined ? undefined : byStatus(f.status, f)) ?? byText(f)
}

function byStatus(status: number, f: Facts): FailureClass | undefined {
  const t = f.text
  switch (status) {
    case 402:
      return matchesAny(t, PERIODIC_LIMIT) ? 'rate_limit' : 'billing'
    case 429:
      if (/\binsufficient_quota\b/.test(`${f.code ?? ''} ${f.type ?? ''}`.toLowerCase())) return 'billing'
      return /modelnotready/.test(t) ? 'overloaded' : 'rate_limit'
    case 401:
    case 403:
      if (matchesAny(t, BILLING_STRONG) || matchesAny(t, BILLING_WEAK)) return 'billing'
      if (matchesAny(t, AUTH_PERMANENT)) return 'auth_permanent'
      if (status === 403 && f.provider === 'openrouter' && matchesAny(t, OPENROUTER_KEY_LIMIT))
        return 'billing'
      return 'auth'
    case 404:
      return 'model_not_found'
    case 408:
    case 499:
    case 504:
    case 522:
    case 524:
      return 'timeout'
    case 529:
      return 'overloaded'
    case 400:
    case 422:
      return byBadRequestText(t)
    case 413:
      return 'format'
  }
  if (status >= 500) return matchesAny(t, OVERLOADED) ? 'overloaded' : 'server_error'
  return undefined
}

/**
 * A 400 is the caller's fault unless the body plainly says otherwise: Bedrock sends
 * ThrottlingException as 400, Anthropic sends "credit balance is too low" as 400. Weak words
 * like "billing" never count here — a helper's 400 read as billing disabled a profile for 5 h (#71709).
 */
function byBadRequestText(t: string): FailureClass {
  if (matchesAny(t, PERIODIC_LIMIT)) return 'rate_limit'
  if (matchesAny(t, BILLING_STRONG)) return 'billing'
  if (matchesAny(t, RATE_LIMIT)) return 'rate_limit'
  if (matchesAny(t, AUTH_PERMANENT)) return 'auth_permanent'
  if (matchesAny(t, AUTH_INVALID_KEY)) return 'auth'
  return 'format'
}

function byText(f: Facts): FailureClass {
  const t = f.text
  if (matchesAny(t, MODEL_NOT_FOUND)) return 'model_not_found'
  if (matchesAny(t, PERIODIC_LIMIT)) return 'rate_limit'
  if (matchesAny(t, BILLING_STRONG)) return 'billing'
  if (f.provider === 'openrouter' && matchesAny(t, OPENROUTER_KEY_LIMIT)) return 'billing'
  if (matchesAny(t, RATE_LIMIT)) return 'rate_limit'
  if (matchesAny(t, OVERLOADED)) return 'overloaded'
  if (matchesAny(t, SERVER_ERROR)) return 'server_error'
  if (matchesAny(t, TIMEOUT) || matchesAny(f.message, TIMEOUT)) return 'timeout'
  if (f.provider === 'openrouter' && matchesAny(f.message, OPENROUTER_BARE_ERROR)) return 'timeout'
  if (matchesAny(t, AUTH_PERMANENT)) return 'auth_permanent'
  if (matchesAny(t, AUTH)) return 'auth'
  if (matchesAny(t, BILLING_WEAK)) return 'billing'
  if (matchesAny(t, FORMAT)) return 'format'
  return 'unknown'
}

const TRANSPORT_LABEL: Record<NonNullable<UpstreamFailure['transport']>, string> = {
  timeout: 'Connection timed out',
  reset: 'Connection reset',
  refused: 'Connection refused',
  aborted: 'Request aborted',
}

function describe(input: UpstreamFailure, f: Facts): string {
  const head = input.transport
    ? TRANSPORT_LABEL[input.transport]
    : [f.status === undefined ? undefined : `HTTP ${f.status}`, errorLabel(f)].filter(Boolean).join(' ')
  const message = f.displayMessage ? redact(oneLine(f.displayMessage)) : undefined
  const sentence = head && message ? `${head}: ${message}` : ((head || message) ?? 'No error details')
  return truncate(sentence, DETAIL_MAX)
}

/** Azure repeats the status as `code: "429"`; saying it twice helps nobody. */
function errorLabel(f: Facts): string | undefined {
  const label = f.type ?? f.code
  return label === undefined || label === String(f.status) ? undefined : label
}

/** Non-JSON bodies: keep short text, reduce an HTML error page to its title. */
function plainBody(bodyText: string | undefined): string | undefined {
  const text = bodyText?.trim()
  if (!text || text.startsWith('{') || text.startsWith('[')) return undefined
  if (text.startsWith('<')) return /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim() || undefined
  return text
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Providers echo keys back ("Consumer 'api_key:AIza…' has been suspended"); never repeat them. */
const SECRET_SHAPES = [
  /\bsk-[A-Za-z0-9_-]{12,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(?:gsk|xai|pplx|csk|key)[-_][A-Za-z0-9]{16,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
]

export function redact(text: string): string {
  return SECRET_SHAPES.reduce((acc, shape) => acc.replace(shape, '[redacted]'), text)
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
