/**
 * Display form of a secret for status and list output (G-03). Only a known public prefix and
 * the last 4 characters are ever shown, and only when enough stays hidden: masking "the first
 * N" alone revealed almost whole keys whose first characters are fixed (LiteLLM #5433).
 */

/** Prefixes that identify a key's kind and are identical for every key of that kind. */
export const PUBLIC_PREFIXES: readonly string[] = [
  'sk-ant-oat01-',
  'sk-ant-api03-',
  'sk-ant-',
  'sk-proj-',
  'sk-or-v1-',
  'sk-',
  'AIza',
  'ghp_',
  'github_pat_',
  'gsk_',
  'xai-',
].sort((a, b) => b.length - a.length)

/** Secrets (after their public prefix) shorter than this are hidden completely. */
export const MIN_REVEAL_LENGTH = 18

export const FULLY_MASKED = '***'

export function maskSecret(value: string): string {
  if (typeof value !== 'string' || value.length < MIN_REVEAL_LENGTH) return FULLY_MASKED
  const prefix = PUBLIC_PREFIXES.find((p) => value.startsWith(p)) ?? ''
  // The rule applies to the secret part: a 20-char `sk-ant-oat01-` value has only 7 secret chars.
  if (value.length - prefix.length < MIN_REVEAL_LENGTH) return FULLY_MASKED
  return `${prefix}…${value.slice(-4)}`
}
