/**
 * One typed error for every layer. The CLI maps `exitCode`, the gateway maps `httpStatus`;
 * nothing else decides how a failure surfaces. Messages name the profile / provider / path /
 * config key involved and the fix, and never contain secret material.
 */

const MARKER = Symbol.for('openclaw.error')

export const EXIT = {
  ok: 0,
  /** Generic failure of a command (bad input that is not a usage error, not found, refused). */
  failure: 1,
  /** Reserved for `models status --check` (expiring) and documented `--check` modes only. */
  checkWarning: 2,
  /** Flags or arguments wrong (sysexits EX_USAGE). Never 2, so `--check` stays unambiguous. */
  usage: 64,
  /** Temporary condition, safe to retry (store busy). sysexits EX_TEMPFAIL. */
  tempFail: 75,
  /** Interrupted by the user (SIGINT). */
  interrupted: 130,
} as const

export type ErrorCode =
  | 'usage'
  | 'invalid_profile_id'
  | 'invalid_agent_id'
  | 'invalid_provider_id'
  | 'invalid_input'
  | 'invalid_credential'
  | 'invalid_duration'
  | 'profile_not_found'
  /** An env or config key named on the command line is not set in this environment. */
  | 'key_not_found'
  | 'profile_provider_mismatch'
  | 'no_credentials'
  /** Legacy auth files wait for `openclaw doctor --fix` while the store is empty (fail closed). */
  | 'auth_profile_migration_required'
  | 'config_invalid'
  | 'config_unreadable'
  | 'config_write_failed'
  | 'store_corrupt'
  | 'store_newer_schema'
  | 'store_foreign'
  | 'store_busy'
  | 'store_full'
  | 'store_readonly'
  | 'store_io'
  /** The store's filesystem cannot hold a SQLite database safely (sshfs). */
  | 'store_unsupported_fs'
  | 'secret_ref_invalid'
  | 'secret_ref_unresolved'
  | 'not_a_tty'
  | 'cancelled'
  | 'upstream'
  | 'reauth_required'
  | 'refresh_failed'
  | 'refresh_lock'
  | 'internal'

export interface OpenclawErrorOptions {
  exitCode?: number
  httpStatus?: number
  retryable?: boolean
  /** A follow-up line for humans, e.g. the command that fixes the problem. */
  hint?: string
  /** Extra non-secret, machine-readable detail (profile id, path, key path...). */
  details?: Record<string, unknown>
  cause?: unknown
}

export class OpenclawError extends Error {
  readonly [MARKER] = true
  readonly code: ErrorCode
  readonly exitCode: number
  readonly httpStatus: number
  readonly retryable: boolean
  readonly hint: string | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, options: OpenclawErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'OpenclawError'
    this.code = code
    this.exitCode = options.exitCode ?? defaultExitCode(code)
    this.httpStatus = options.httpStatus ?? defaultHttpStatus(code)
    this.retryable = options.retryable ?? code === 'store_busy'
    this.hint = options.hint
    this.details = options.details
  }

  static isInstance(value: unknown): value is OpenclawError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    }
  }
}

function defaultExitCode(code: ErrorCode): number {
  switch (code) {
    case 'usage':
      return EXIT.usage
    case 'store_busy':
      return EXIT.tempFail
    case 'cancelled':
      return EXIT.interrupted
    default:
      return EXIT.failure
  }
}

function defaultHttpStatus(code: ErrorCode): number {
  switch (code) {
    case 'usage':
    case 'invalid_input':
    case 'invalid_profile_id':
    case 'invalid_agent_id':
    case 'invalid_provider_id':
    case 'invalid_credential':
    case 'invalid_duration':
      return 400
    case 'profile_not_found':
    case 'key_not_found':
      return 404
    case 'no_credentials':
    case 'reauth_required':
      return 401
    case 'refresh_failed':
    case 'refresh_lock':
      return 503
    case 'store_busy':
      return 503
    default:
      return 500
  }
}
