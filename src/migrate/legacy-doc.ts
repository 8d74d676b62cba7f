/**
 * Parses a legacy auth document in any historical shape (auth-spec 5.2, lessons 2.12):
 *   - `{ version?, profiles: { "<id>": entry }, order?, lastGood?, usageStats? }` (auth-profiles.json)
 *   - `{ order?, lastGood?, usageStats? }` (auth-state.json: state only)
 *   - the flat `{ "<provider>": { apiKey | key | token | access... } }` (old auth-profiles.json,
 *     per-agent auth.json, credentials/oauth.json) -> `<provider>:default`
 * A file that is not JSON or not an object is refused whole (A-03: all-or-nothing per file);
 * inside a recognised shape every bad entry is listed by id and reason. Pure.
 */
import { parseLegacyEntry } from './legacy-entry.ts'
import { parseLegacyState } from './legacy-state.ts'
import type { ParsedLegacy, ParseOutcome } from './types.ts'

export type DocKind = 'auth-profiles' | 'auth-state' | 'auth-json' | 'oauth-json'

const STATE_KEYS = new Set(['order', 'lastGood', 'usageStats'])
const META_KEYS = new Set(['version', ...STATE_KEYS])

export function parseLegacyText(text: string, kind: DocKind): ParseOutcome {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let doc: unknown
  try {
    doc = JSON.parse(body)
  } catch (err) {
    return {
      ok: false,
      failure: 'invalid_json',
      detail: `not valid JSON (${(err as Error).message.slice(0, 120)})`,
    }
  }
  return parseLegacyDoc(doc, kind)
}

export function parseLegacyDoc(doc: unknown, kind: DocKind): ParseOutcome {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, failure: 'not_object', detail: 'the top level is not a JSON object' }
  }
  const d = doc as Record<string, unknown>
  const { state, rejected: stateRejected } = parseLegacyState(d)
  const parsed: ParsedLegacy = { shape: 'profiles', credentials: [], awsSdk: [], state, rejected: [] }
  if (kind === 'auth-state') {
    parsed.shape = 'state'
    parsed.rejected.push(...stateRejected)
    return { ok: true, parsed }
  }
  if (d.profiles !== undefined) {
    if (typeof d.profiles !== 'object' || d.profiles === null || Array.isArray(d.profiles)) {
      return { ok: false, failure: 'unknown_shape', detail: '"profiles" is not an object' }
    }
    addEntries(parsed, Object.entries(d.profiles as Record<string, unknown>), undefined)
    parsed.rejected.push(...stateRejected)
    return { ok: true, parsed }
  }
  // Flat form: every non-meta key is a provider id.
  parsed.shape = 'flat'
  const entries = Object.entries(d).filter(([k]) => !META_KEYS.has(k))
  if (entries.length === 0 && !Object.keys(d).some((k) => STATE_KEYS.has(k))) return { ok: true, parsed }
  for (const [key, entry] of entries) {
    // Some old auth.json files were keyed by profile id rather than provider id.
    const colon = key.indexOf(':')
    const provider = (colon > 0 ? key.slice(0, colon) : key).trim().toLowerCase()
    addEntries(parsed, [[colon > 0 ? key : `${provider}:default`, entry]], provider)
  }
  parsed.rejected.push(...stateRejected)
  return { ok: true, parsed }
}

function addEntries(
  parsed: ParsedLegacy,
  entries: Array<[string, unknown]>,
  fallbackProvider: string | undefined,
): void {
  const seen = new Map<string, string>()
  for (const [id, entry] of entries) {
    // Ids differing only in case print the same and invite mix-ups: the first one wins.
    const folded = id.toLowerCase()
    if (seen.has(folded)) {
      parsed.rejected.push({ id, reason: 'duplicate_id' })
      continue
    }
    seen.set(folded, id)
    const r = parseLegacyEntry(id, entry, fallbackProvider)
    if (r.kind === 'credential') parsed.credentials.push({ id, credential: r.credential })
    else if (r.kind === 'aws-sdk') parsed.awsSdk.push({ id, provider: r.provider })
    else parsed.rejected.push({ id, reason: r.reason })
  }
}

/** True when the document holds at least one importable credential (runtime guard, doctor). */
export function bearsCredentials(outcome: ParseOutcome): boolean {
  // An unreadable or malformed file may well hold credentials: fail closed.
  if (!outcome.ok) return true
  return outcome.parsed.credentials.length > 0
}
