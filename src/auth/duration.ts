/**
 * Human durations for flags such as `--expires-in 365d`. Whole numbers with a unit only:
 * a bare `30` is ambiguous (seconds? days?) and is refused rather than guessed.
 */
import { OpenclawError } from '../errors.ts'
import { escapeForMessage } from './profile-id.ts'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const UNIT_MS: Readonly<Record<string, number>> = { w: 7 * DAY, d: DAY, h: HOUR, m: MINUTE, s: SECOND }

/** Anything longer is a typo (an extra zero), not an intent. */
export const MAX_DURATION_MS = Math.round(100 * 365.25 * DAY)

const WHOLE_RE = /^(?:\d{1,15}[a-z])+$/
const PART_RE = /(\d{1,15})([a-z])/g

export function parseDuration(input: string): number {
  const text = typeof input === 'string' ? input.trim().toLowerCase() : ''
  if (!WHOLE_RE.test(text)) throw invalid(input)
  let total = 0
  const seen = new Set<string>()
  for (const [, digits, unit] of text.matchAll(PART_RE)) {
    const ms = UNIT_MS[unit as string]
    // A repeated unit (`1h1h`) is almost certainly a typo.
    if (ms === undefined || seen.has(unit as string)) throw invalid(input)
    seen.add(unit as string)
    total += Number(digits) * ms
  }
  if (total <= 0) throw invalid(input, 'The duration must be greater than zero.')
  if (total > MAX_DURATION_MS) throw invalid(input, 'Durations are capped at 100 years.')
  return total
}

function invalid(input: unknown, hint?: string): OpenclawError {
  const shown = escapeForMessage(String(input))
  return new OpenclawError(
    'invalid_duration',
    `Invalid duration "${shown}": use a number with a unit, e.g. 365d, 12h, 30m.`,
    hint === undefined ? {} : { hint },
  )
}
