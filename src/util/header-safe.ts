/**
 * What an HTTP header value carries faithfully: printable ASCII. Node's http throws on a
 * character above U+00FF (an uncaught TypeError in the middle of a request) and sends
 * U+0080..U+00FF as single Latin-1 bytes, which no provider matches against the UTF-8 key it
 * issued; undici refuses non-ByteStrings too; RFC 9110 calls bytes above 0x7F obs-text.
 * Keys, tokens (RFC 6749 VSCHAR) and the providers' own header values are ASCII, so a
 * character outside that range is a paste accident (a typographic quote, a look-alike letter).
 */

/** Any character above DEL; callers check control characters first, with their own message. */
export const NON_ASCII = /[^\x00-\x7f]/

export const NON_ASCII_RULE =
  'a character outside printable ASCII (such as €, an accented letter or a typographic quote), which an HTTP header cannot carry'

/** A non-empty printable-ASCII run with no space at either end: the valid path is one test. */
const SENDABLE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

/** Why `value` cannot be sent as a credential header; undefined when it can. Never quotes it. */
export function credentialHeaderProblem(value: string): string | undefined {
  if (SENDABLE.test(value)) return undefined
  if (value.length === 0) return 'is empty'
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'contains control characters (line breaks, NUL or similar)'
  if (value.trim() !== value) return 'has whitespace around it'
  return `contains ${NON_ASCII_RULE}`
}
