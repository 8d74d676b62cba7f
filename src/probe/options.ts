/**
 * Validates the probe flags of `models status` (auth-spec 3.1). Every bad value gets its own
 * message and a usage exit (64): probes make real, possibly billed requests, so a typo must
 * never silently fall back to a default.
 */
import { normalizeProviderId, parseProfileId, validateProviderId } from '../auth/profile-id.ts'
import { OpenclawError } from '../errors.ts'
import { PROBE_DEFAULTS, type ProbeOptions } from './types.ts'

type Values = Readonly<Record<string, string | boolean | string[] | undefined>>

const PROBE_FLAGS = [
  'probe-provider',
  'probe-profile',
  'probe-timeout',
  'probe-concurrency',
  'probe-max-tokens',
] as const

/** Undefined when `--probe` is absent; throws a usage error for any invalid combination. */
export function parseProbeOptions(values: Values): ProbeOptions | undefined {
  const probe = values.probe === true
  if (!probe) {
    const stray = PROBE_FLAGS.find((f) => values[f] !== undefined)
    if (stray) throw usage(`--${stray} only applies together with --probe.`)
    return undefined
  }
  if (values.plain === true) throw usage('--probe cannot be combined with --plain.')
  const opts: ProbeOptions = {
    profileIds: profileIds(values['probe-profile']),
    timeoutMs: positive(values['probe-timeout'], 'probe-timeout', PROBE_DEFAULTS.timeoutMs, 'milliseconds'),
    concurrency: positive(values['probe-concurrency'], 'probe-concurrency', PROBE_DEFAULTS.concurrency),
    maxTokens: positive(values['probe-max-tokens'], 'probe-max-tokens', PROBE_DEFAULTS.maxTokens),
  }
  const provider = values['probe-provider']
  if (typeof provider === 'string') {
    if (provider.trim() === '') throw usage('--probe-provider needs a provider id, e.g. anthropic.')
    opts.provider = normalizeProviderId(validateProviderId(provider.trim().toLowerCase()))
  }
  return opts
}

function positive(v: unknown, flag: string, fallback: number, unit?: string): number {
  if (v === undefined) return fallback
  const text = String(v).trim()
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(n) || n <= 0) {
    const what = unit ? `a positive whole number of ${unit}` : 'a positive whole number'
    throw usage(`--${flag} must be ${what} (got ${JSON.stringify(text.slice(0, 40))}).`)
  }
  return n
}

function profileIds(v: unknown): string[] {
  const raw = Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
  const ids = raw.flatMap((s) => String(s).split(',')).map((s) => s.trim())
  if (ids.some((id) => id === '')) throw usage('--probe-profile needs profile ids, e.g. anthropic:work.')
  for (const id of ids) parseProfileId(id)
  return [...new Set(ids)]
}

function usage(message: string): OpenclawError {
  return new OpenclawError('usage', message, { hint: 'Run: openclaw models status --help' })
}
