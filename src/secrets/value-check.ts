/**
 * Every resolved secret ends up in an HTTP header or a comparison, so the same ingest rules as
 * a pasted key apply (A-07, D-ENV-03, E-02): empty and whitespace-only values, line breaks, NUL
 * and other control characters, characters outside printable ASCII, and absurd sizes are
 * refused here, by name, never shown.
 */
import { MAX_SECRET_BYTES } from '../auth/secret-input.ts'
import { NON_ASCII, NON_ASCII_RULE } from '../util/header-safe.ts'

export type ValueCheck = { ok: true; value: string } | { ok: false; message: string }

/** `what` names the value's origin, e.g. `environment variable FOO` or `value for id "x"`. */
export function checkSecretValue(raw: string, what: string): ValueCheck {
  if (raw.length === 0) return { ok: false, message: `${what} is empty` }
  if (raw.trim().length === 0) return { ok: false, message: `${what} contains only whitespace` }
  if (/[\r\n\u0000]/.test(raw))
    return { ok: false, message: `${what} contains a line break or NUL (refused)` }
  if (/[\u0001-\u0008\u000b-\u001f\u007f]/.test(raw)) {
    return { ok: false, message: `${what} contains control characters (refused)` }
  }
  if (NON_ASCII.test(raw)) return { ok: false, message: `${what} contains ${NON_ASCII_RULE} (refused)` }
  const bytes = Buffer.byteLength(raw, 'utf8')
  if (bytes > MAX_SECRET_BYTES) {
    return { ok: false, message: `${what} is too large (${bytes} bytes; limit ${MAX_SECRET_BYTES})` }
  }
  return { ok: true, value: raw.trim() }
}
