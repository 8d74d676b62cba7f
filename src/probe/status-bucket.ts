/**
 * Failure class -> probe status bucket (auth-spec 4.1), and the legacy-compatible wording for
 * profiles that were never sent (auth-spec 4.5). Pure.
 */
import type { FailureClass } from '../auth/types.ts'
import type { ProbeReasonCode, ProbeStatus } from './types.ts'

export function statusForFailure(reason: FailureClass): ProbeStatus {
  switch (reason) {
    case 'auth':
    case 'auth_permanent':
      return 'auth'
    case 'rate_limit':
      return 'rate_limit'
    case 'billing':
      return 'billing'
    case 'timeout':
      return 'timeout'
    case 'format':
      return 'format'
    default:
      return 'unknown'
  }
}

/** Scripts grep for this exact first line (OpenClaw compatibility); keep it byte-identical. */
export const LEGACY_INELIGIBLE_LINE = 'Auth profile credentials are missing or expired.'

export function ineligibleError(code: ProbeReasonCode, detail: string): string {
  return `${LEGACY_INELIGIBLE_LINE}\n↳ Auth reason [${code}]: ${detail}`
}
