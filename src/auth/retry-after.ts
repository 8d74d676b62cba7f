/**
 * How long an upstream asked us to back off, read from response headers. Pure: the caller
 * passes `now`, so HTTP-date and RFC 3339 reset stamps are comparable in tests.
 */

export type HeaderSource = Headers | Readonly<Record<string, string | string[] | undefined>>

/** A cooldown longer than a day is almost certainly a misread header, not a real window. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000

const ANTHROPIC_BUCKETS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const
const OPENAI_BUCKETS = ['requests', 'tokens'] as const

/** Case-insensitive lookup for both WHATWG `Headers` and plain (Node-style) records. */
export function getHeader(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined
  const wanted = name.toLowerCase()
  if (isHeaders(headers)) return headers.get(wanted) ?? undefined
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue
    const first = Array.isArray(value) ? value[0] : value
    if (first !== undefined) return first
  }
  return undefined
}

function isHeaders(value: HeaderSource): value is Headers {
  return typeof (value as Headers).get === 'function' && typeof (value as Headers).has === 'function'
}

/**
 * Milliseconds to wait, or undefined when no header says anything usable. Precedence: the
 * explicit `retry-after-ms`/`retry-after`, then Anthropic reset stamps, then OpenAI reset durations.
 * A non-finite `now` skips the absolute-time forms (HTTP-date, RFC 3339) and keeps the relative ones.
 */
export function parseRetryAfterMs(headers: HeaderSource | undefined, now: number): number | undefined {
  if (!headers) return undefined
  const found =
    parseRetryAfterMsHeader(getHeader(headers, 'retry-after-ms')) ??
    parseRetryAfterHeader(getHeader(headers, 'retry-after'), now) ??
    anthropicResetMs(headers, now) ??
    openAiResetMs(headers)
  return found === undefined ? undefined : clamp(found)
}

function clamp(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)))
}

const NUMBER = /^\d+(?:\.\d+)?$/

function parseRetryAfterMsHeader(raw: string | undefined): number | undefined {
  const value = firstListItem(raw)
  return value !== undefined && NUMBER.test(value) ? Number(value) : undefined
}

function parseRetryAfterHeader(raw: string | undefined, now: number): number | undefined {
  if (raw === undefined) return undefined
  const trimmed = raw.trim()
  // A joined duplicate ("30, 30") is still a delta; an HTTP-date legitimately contains a comma.
  const delta = firstListItem(trimmed)
  if (delta !== undefined && NUMBER.test(delta)) return Number(delta) * 1000
  if (!/[a-z]/i.test(trimmed)) return undefined
  const at = Date.parse(trimmed)
  return Number.isFinite(at) && Number.isFinite(now) ? at - now : undefined
}

function firstListItem(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  return raw.split(',')[0]?.trim()
}

/**
 * Only buckets that are actually exhausted count; the soonest one to reset wins because a
 * cooldown is a minimum and re-applying one keeps the later deadline, so an early retry costs one
 * cheap call while over-waiting idles a working key.
 */
function anthropicResetMs(headers: HeaderSource, now: number): number | undefined {
  if (!Number.isFinite(now)) return undefined
  let best: number | undefined
  for (const bucket of ANTHROPIC_BUCKETS) {
    const remaining = getHeader(headers, `anthropic-ratelimit-${bucket}-remaining`)
    if (remaining?.trim() !== '0') continue
    const reset = getHeader(headers, `anthropic-ratelimit-${bucket}-reset`)
    if (reset === undefined || !/^\d{4}-\d{2}-\d{2}T/.test(reset.trim())) continue
    const at = Date.parse(reset.trim())
    if (!Number.isFinite(at) || at <= now) continue
    const wait = at - now
    if (best === undefined || wait < best) best = wait
  }
  return best
}

function openAiResetMs(headers: HeaderSource): number | undefined {
  let best: number | undefined
  for (const bucket of OPENAI_BUCKETS) {
    if (getHeader(headers, `x-ratelimit-remaining-${bucket}`)?.trim() !== '0') continue
    const wait = parseGoDurationMs(getHeader(headers, `x-ratelimit-reset-${bucket}`))
    if (wait === undefined) continue
    if (best === undefined || wait < best) best = wait
  }
  return best
}

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
}
const DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g

/** Go-style durations as OpenAI sends them: '1s', '6m0s', '20ms', '1h2m3.5s'. */
export function parseGoDurationMs(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const value = raw.trim()
  if (!DURATION.test(value)) return undefined
  let total = 0
  for (const match of value.matchAll(DURATION_PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0)
  }
  return total
}
