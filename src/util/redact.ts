/**
 * Text redaction for logs, errors and upstream bodies (R6). Known secrets are removed first
 * (exact values plus the encodings they travel in); generic patterns catch what we were not
 * told about. Both are applied by `redact`; custom patterns extend the defaults, never
 * replace them (G-05).
 */

export const REDACTED = '[redacted]'

/** Shorter values would redact ordinary words; they are also never real credentials. */
export const MIN_SECRET_LENGTH = 4

export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const forms = new Set<string>()
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue
    for (const f of encodedForms(s)) if (f.length >= MIN_SECRET_LENGTH) forms.add(f)
  }
  // Longest first, so a secret that contains another is replaced whole.
  let out = text
  for (const f of [...forms].sort((a, b) => b.length - a.length)) out = out.split(f).join(REDACTED)
  return out
}

function encodedForms(s: string): string[] {
  const b64 = Buffer.from(s, 'utf8').toString('base64')
  const forms = [s, b64, b64.replace(/=+$/, ''), Buffer.from(s, 'utf8').toString('base64url')]
  try {
    forms.push(encodeURIComponent(s))
  } catch {
    // Lone surrogates cannot be URI-encoded; such a value cannot travel in a URL either.
  }
  forms.push(JSON.stringify(s).slice(1, -1))
  return forms
}

interface Rule {
  re: RegExp
  replace: string
}

const KEY_CHARS = '[A-Za-z0-9_\\-]'
const SECRET_JSON_FIELDS =
  'apiKey|api_key|apikey|key|token|accessToken|access_token|refreshToken|refresh_token|access|refresh|idToken|id_token|password|secret|clientSecret|client_secret|authorization'

const RULES: readonly Rule[] = [
  {
    re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    replace: REDACTED,
  },
  { re: /\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, replace: `$1${REDACTED}` },
  { re: /\b(Basic\s+)[A-Za-z0-9+/]{4,}=*/g, replace: `$1${REDACTED}` },
  {
    re: /\b((?:x-api-key|x-goog-api-key|api-key|anthropic-api-key|openai-api-key)["']?\s*[:=]\s*["']?)[^\s"',;]+/gi,
    replace: `$1${REDACTED}`,
  },
  {
    re: new RegExp(`("(?:${SECRET_JSON_FIELDS})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)+(")`, 'gi'),
    replace: `$1${REDACTED}$2`,
  },
  {
    re: /([?&](?:key|api_key|apikey|api-key|access_token|refresh_token|token|client_secret|password)=)[^&#\s"'<>]+/gi,
    replace: `$1${REDACTED}`,
  },
  // user:pass@host in URLs; the user name stays, it helps debugging and is not the secret.
  { re: /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+(@)/gi, replace: `$1${REDACTED}$2` },
  {
    re: new RegExp(`\\b(?:sk-|AIza|ghp_|github_pat_|gsk_|xai-)${KEY_CHARS}{16,}`, 'g'),
    replace: REDACTED,
  },
  // JWTs (many OAuth access tokens): header.payload.signature, header is base64 JSON.
  { re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, replace: REDACTED },
]

/** Generic credential shapes; `extra` patterns run after the built-in ones. */
export function redactPatterns(text: string, extra: readonly RegExp[] = []): string {
  let out = text
  for (const r of RULES) out = out.replace(r.re, r.replace)
  for (const re of extra) out = out.replace(withGlobal(re), REDACTED)
  return out
}

/** Known secrets first (exact match is the strongest guarantee), then patterns. */
export function redact(text: string, secrets: Iterable<string> = [], extra: readonly RegExp[] = []): string {
  return redactPatterns(redactSecrets(text, secrets), extra)
}

function withGlobal(re: RegExp): RegExp {
  return re.global ? re : new RegExp(re.source, `${re.flags}g`)
}
