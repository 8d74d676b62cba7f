/**
 * Normalises a pasted secret at ingest so it never fails later at request time (A-07, E-01..03):
 * surrounding whitespace and the trailing newline of `echo`/`printf` are trimmed; interior
 * control characters, whitespace, characters outside printable ASCII (an HTTP header cannot
 * carry them, see util/header-safe.ts), absurd sizes and empty input are refused with a
 * message that names the profile and the rule, never the value.
 */
import { OpenclawError } from '../errors.ts'
import { NON_ASCII, NON_ASCII_RULE } from '../util/header-safe.ts'

/**
 * 16 KiB: real API keys and setup-tokens are well under 1 KiB and OAuth access tokens a few
 * KiB; a bigger value is a paste accident, and would fail later as an oversized header (E-03).
 */
export const MAX_SECRET_BYTES = 16 * 1024

export function normalizeSecretInput(raw: string, label: string): string {
  const value = raw.replace(/^\uFEFF/, '').trim()
  if (value.length === 0) {
    throw new OpenclawError('invalid_credential', `No credential received for ${label} (input was empty).`, {
      hint: 'Pipe it on stdin, e.g. printf \'%s\\n\' "$KEY" | openclaw models auth paste-api-key --provider <id>',
    })
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
    throw new OpenclawError(
      'invalid_credential',
      `Credential for ${label} is too large (${Buffer.byteLength(value, 'utf8')} bytes; limit ${MAX_SECRET_BYTES}).`,
      { hint: 'Paste only the key or token itself.' },
    )
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new OpenclawError(
      'invalid_credential',
      `Credential for ${label} contains control characters (line breaks, NUL or similar).`,
      {
        hint: 'Paste the key or token on a single line.',
      },
    )
  }
  if (/\s/.test(value)) {
    throw new OpenclawError('invalid_credential', `Credential for ${label} contains whitespace inside it.`, {
      hint: 'Paste exactly one key or token; for several keys create one profile each.',
    })
  }
  if (NON_ASCII.test(value)) {
    throw new OpenclawError('invalid_credential', `Credential for ${label} contains ${NON_ASCII_RULE}.`, {
      hint: 'Copy the key or token again straight from the provider: they are plain ASCII (letters, digits, punctuation).',
    })
  }
  return value
}
