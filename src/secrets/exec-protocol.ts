/**
 * The exec provider wire contract, version 1 (auth-spec 1.9, D-EXEC-05..07).
 * Request on stdin:  {"protocolVersion":1,"provider":"<alias>","ids":["a","b"]}
 * Response, stdout:  {"protocolVersion":1,"values":{"a":"..."},"errors":{"b":{"code":"NOT_FOUND"}}}
 * A malformed response fails the whole batch (nothing partially applied); per-id `errors` fail
 * only their id. Provider free text is never shown: only the codes below are.
 */
import { failure, type RefFailure, type RefResult } from './snapshot.ts'
import { checkSecretValue } from './value-check.ts'

export const PROTOCOL_VERSION = 1
export const DISPLAYED_ERROR_CODES: ReadonlySet<string> = new Set(['NOT_FOUND', 'AMBIGUOUS_DUPLICATE_KEY'])

export function buildRequest(alias: string, ids: readonly string[]): string {
  return `${JSON.stringify({ protocolVersion: PROTOCOL_VERSION, provider: alias, ids })}\n`
}

/** Per-id results, or one batch-wide protocol failure message. */
export function parseResponse(stdout: string, ids: readonly string[]): Map<string, RefResult> | string {
  if (stdout.trim() === '') return 'returned empty stdout'
  let parsed: unknown
  try {
    parsed = JSON.parse(stdout)
  } catch {
    return 'returned invalid JSON'
  }
  if (!isObject(parsed)) return 'returned JSON that is not an object'
  if (parsed.protocolVersion !== PROTOCOL_VERSION) {
    return `returned an unsupported protocolVersion (expected ${PROTOCOL_VERSION})`
  }
  const values = parsed.values
  if (!isObject(values)) return 'response has no "values" object'
  const errors = parsed.errors ?? {}
  if (!isObject(errors)) return 'response "errors" is not an object'
  const out = new Map<string, RefResult>()
  for (const id of ids) {
    const shown = JSON.stringify(id)
    if (Object.hasOwn(values, id)) {
      const v = values[id]
      if (typeof v !== 'string' || v.trim() === '') return `value for id ${shown} is not a non-empty string`
      const checked = checkSecretValue(v, `value for id ${shown}`)
      out.set(id, checked.ok ? checked : failure('secret_ref_unresolved', checked.message))
    } else if (Object.hasOwn(errors, id)) {
      out.set(id, providerError(id, errors[id]))
    } else {
      return `response missing id ${shown}`
    }
  }
  // Extra ids in values/errors are ignored: they were not asked for.
  return out
}

function providerError(id: string, entry: unknown): RefFailure {
  const code = isObject(entry) && typeof entry.code === 'string' ? entry.code : undefined
  const shown = code !== undefined && DISPLAYED_ERROR_CODES.has(code) ? ` (${code})` : ''
  return failure('secret_ref_unresolved', `reported an error for id ${JSON.stringify(id)}${shown}`)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
