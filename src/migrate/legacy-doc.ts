/**
 * Parses a legacy auth document in any historical shape (auth-spec 5.2, lessons 2.12):
 *   - `{ version?, profiles: { "<id>": entry }, order?, lastGood?, usageStats? }` (auth-profiles.json)
 *   - `{ order?, lastGood?, usageStats? }` (auth-state.json: state only)
 *   - the flat `{ "<provider>": { apiKey | key | token | access... } }` (old auth-profiles.json,
 *     per-agent auth.json, credentials/oauth.json) -> `<provider>:default`
 * A file that is not JSON or not an object is refused whole (A-03: all-or-nothing per file);
 * inside a recognised shape every bad entry is listed by id and reason. Pure.
 */
import { escapeForMessage, profileIdViolation } from '../auth/profile-id.ts'
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
    addEntries(
      parsed,
      Object.entries(d.profiles as Record<string, unknown>).map(([id, entry]) => ({ id, entry })),
    )
    parsed.rejected.push(...stateRejected)
    return { ok: true, parsed }
  }
  // Flat form: every non-meta key is a provider id.
  parsed.shape = 'flat'
  const entries = Object.entries(d).filter(([k]) => !META_KEYS.has(k))
  if (entries.length === 0 && !Object.keys(d).some((k) => STATE_KEYS.has(k))) return { ok: true, parsed }
  // One pass over all keys: `OpenAI` and `openai` both mean openai:default, and the duplicate
  // check must see both (called per key, it once let the later credential silently win).
  addEntries(
    parsed,
    entries.map(([key, entry]) => {
      // Some old auth.json files were keyed by profile id rather than provider id.
      const colon = key.indexOf(':')
      const provider = (colon > 0 ? key.slice(0, colon) : key).trim().toLowerCase()
      return { id: colon > 0 ? key : `${provider}:default`, entry, key, provider }
    }),
  )
  parsed.rejected.push(...stateRejected)
  return { ok: true, parsed }
}

/** `key` and `provider` are set in the flat form: the map key as written and its provider. */
function addEntries(
  parsed: ParsedLegacy,
  entries: Array<{ id: string; entry: unknown; key?: string; provider?: string }>,
): void {
  // Valid ids only (ASCII, so NFC/NFD spellings of one name are both refused as invalid_id):
  // folded id -> how the first entry was written (its flat-form key, or the id).
  const seen = new Map<string, string>()
  for (const { id, entry, key, provider } of entries) {
    const violation = profileIdViolation(id)
    if (violation === undefined) {
      // Ids differing only in case print the same and invite mix-ups; two credentials must never
      // end up merged under one id. The first entry in the file is the one considered.
      const folded = id.toLowerCase()
      const first = seen.get(folded)
      if (first !== undefined) {
        parsed.rejected.push({ id, reason: 'duplicate_id', detail: duplicateDetail(id, key, first) })
        continue
      }
      seen.set(folded, key ?? id)
    }
    const r = parseLegacyEntry(id, entry, provider)
    if (r.kind === 'credential') parsed.credentials.push({ id, credential: r.credential })
    else if (r.kind === 'aws-sdk') parsed.awsSdk.push({ id, provider: r.provider })
    else if (r.reason === 'invalid_id' && violation !== undefined)
      parsed.rejected.push({
        id,
        reason: r.reason,
        detail: `${violation}; rename it in the file and rerun openclaw doctor --fix`,
      })
    else parsed.rejected.push({ id, reason: r.reason })
  }
}

function duplicateDetail(id: string, key: string | undefined, first: string): string {
  const shownFirst = escapeForMessage(first, 200)
  if (key !== undefined)
    return `key "${escapeForMessage(key, 200)}" maps to ${id}, as key "${shownFirst}" earlier in the file does; only the first is considered, this entry was not imported`
  return `differs only in letter case from "${shownFirst}" earlier in the file; only the first is considered, this entry was not imported`
}

/** True when the document holds at least one importable credential (runtime guard, doctor). */
export function bearsCredentials(outcome: ParseOutcome): boolean {
  // An unreadable or malformed file may well hold credentials: fail closed.
  if (!outcome.ok) return true
  return outcome.parsed.credentials.length > 0
}
