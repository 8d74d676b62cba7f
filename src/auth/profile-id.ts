/**
 * Provider, profile and agent ids. They are checked at the boundary so nothing odd (path
 * segments, control characters, look-alike Unicode) ever reaches the store, a lock name or a
 * terminal. Ids are ASCII on purpose: NFC and NFD spellings of `é` would otherwise be two
 * different ids that print the same.
 */
import { OpenclawError } from '../errors.ts'

const PROVIDER_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/
const AGENT_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/
const NAME_CHARS_RE = /^[A-Za-z0-9._@+-]+$/

export const MAX_PROFILE_ID_LENGTH = 160
export const MAX_PROFILE_NAME_LENGTH = 128

const PROVIDER_RULE =
  "a provider id must match ^[a-z0-9][a-z0-9._-]{0,63}$ (lower-case letters, digits, '.', '_' and '-'; at most 64 characters)"
const AGENT_RULE =
  "an agent id must match ^[a-z0-9][a-z0-9_-]{0,63}$ (letters, digits, '_' and '-'; at most 64 characters)"

/** Legacy provider ids that now mean another provider (auth-spec 1.2). */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = { 'openai-codex': 'openai' }

const MAX_SHOWN = 80

/**
 * JSON-style escaping restricted to printable ASCII, truncated, so a hostile id can neither
 * drive the terminal (ESC, CR, bidi overrides) nor flood the message.
 */
export function escapeForMessage(value: string, max = MAX_SHOWN): string {
  let out = ''
  for (const ch of value) {
    const piece = escapeChar(ch)
    if (out.length + piece.length > max - 3) return `${out}...`
    out += piece
  }
  return out
}

function escapeChar(ch: string): string {
  if (ch === '"') return '\\"'
  if (ch === '\\') return '\\\\'
  if (ch === '\n') return '\\n'
  if (ch === '\r') return '\\r'
  if (ch === '\t') return '\\t'
  const code = ch.codePointAt(0) ?? 0
  if (code >= 0x20 && code < 0x7f) return ch
  let out = ''
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`
  return out
}

export function validateProviderId(p: string): string {
  if (typeof p !== 'string' || !PROVIDER_RE.test(p)) {
    const shown = escapeForMessage(String(p))
    throw new OpenclawError('invalid_provider_id', `Invalid provider id "${shown}": ${PROVIDER_RULE}.`, {
      details: { providerId: shown },
    })
  }
  return p
}

/** Canonical form used for every provider comparison; does not validate. */
export function normalizeProviderId(p: string): string {
  const lower = p.trim().toLowerCase()
  return PROVIDER_ALIASES[lower] ?? lower
}

export interface ParsedProfileId {
  provider: string
  name: string
}

export function parseProfileId(id: string): ParsedProfileId {
  const rule = profileIdViolation(id)
  if (rule !== undefined) {
    const shown = escapeForMessage(String(id))
    throw new OpenclawError(
      'invalid_profile_id',
      `Invalid auth profile id "${shown}": ${rule}. Expected <provider>:<name>, e.g. anthropic:work.`,
      { details: { profileId: shown } },
    )
  }
  const colon = id.indexOf(':')
  return { provider: id.slice(0, colon), name: id.slice(colon + 1) }
}

export function isValidProfileId(id: string): boolean {
  return profileIdViolation(id) === undefined
}

/** The first rule `id` breaks, phrased for the error message; undefined when valid. */
export function profileIdViolation(id: string): string | undefined {
  if (typeof id !== 'string' || id.trim() === '') return 'the id is empty or only whitespace'
  if (id.length > MAX_PROFILE_ID_LENGTH) return `the id is longer than ${MAX_PROFILE_ID_LENGTH} characters`
  // Checked before the structure so the message names the real problem, not a side effect.
  if (/[\x00-\x1f\x7f]/.test(id)) return 'the id contains a control character'
  if (/\s/.test(id)) return 'the id contains whitespace'
  if (/[^\x20-\x7e]/.test(id)) return 'the id contains non-ASCII characters (ids are ASCII only)'
  if (/[/\\]/.test(id)) return "the id contains a path separator ('/' or '\\')"
  if (id.includes('%')) return "the id contains '%' (percent-encoding is not allowed)"
  const colon = id.indexOf(':')
  if (colon < 0) return "the id has no ':' between provider and name"
  const provider = id.slice(0, colon)
  const name = id.slice(colon + 1)
  if (provider === '') return 'the provider part is empty'
  if (!PROVIDER_RE.test(provider)) return PROVIDER_RULE
  if (name === '') return 'the name part is empty'
  if (name.length > MAX_PROFILE_NAME_LENGTH) {
    return `the name is longer than ${MAX_PROFILE_NAME_LENGTH} characters`
  }
  if (name.startsWith('-') || name.startsWith('.')) return "the name must not start with '-' or '.'"
  if (!NAME_CHARS_RE.test(name))
    return "the name may only contain letters, digits and '.', '_', '@', '+', '-'"
  return undefined
}

/** Agent ids are case-insensitive; the lower-cased form is returned and used everywhere. */
export function validateAgentId(id: string): string {
  // ASCII first: lower-casing U+212A KELVIN SIGN yields a plain 'k' and would pass the regex.
  const lower = typeof id === 'string' && /^[\x21-\x7e]*$/.test(id) ? id.toLowerCase() : ''
  if (!AGENT_RE.test(lower)) {
    const shown = escapeForMessage(String(id))
    throw new OpenclawError('invalid_agent_id', `Invalid agent id "${shown}": ${AGENT_RULE}.`, {
      details: { agentId: shown },
    })
  }
  return lower
}
