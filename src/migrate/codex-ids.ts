/**
 * `openai-codex` is a legacy alias of `openai` (auth-spec 1.2, 5.3): profile ids
 * `openai-codex:<name>` become `openai:<name>`, or a collision-free variant when that id is
 * already taken by a different credential. Deterministic, so a rerun after a crash maps every
 * id to the same target and finds its own earlier import instead of duplicating it. Pure.
 */
import { isValidProfileId, normalizeProviderId } from '../auth/profile-id.ts'
import type { Credential, StoredProfile } from '../auth/types.ts'
import { encodeSecrets } from '../store/row-codec.ts'

export const CODEX_PROVIDER = 'openai-codex'
const CODEX_PREFIX = `${CODEX_PROVIDER}:`

export function isCodexId(id: string): boolean {
  return id.startsWith(CODEX_PREFIX)
}

/** `openai-codex:x` -> `openai:x` without collision checks (order lists, usage keys). */
export function naiveCodexId(id: string): string {
  return isCodexId(id) ? `openai:${id.slice(CODEX_PREFIX.length)}` : id
}

/** Candidate ids for a codex id, most preferred first. */
export function codexCandidates(id: string, limit = 20): string[] {
  const name = id.slice(CODEX_PREFIX.length)
  const out = [`openai:${name}`, `openai:${name}-codex`]
  for (let n = 2; n < limit; n++) out.push(`openai:${name}-codex-${n}`)
  return out.filter(isValidProfileId)
}

/** The credential with its provider canonicalised (openai-codex -> openai). */
export function canonicalCredential(c: Credential): Credential {
  const provider = normalizeProviderId(c.provider)
  return provider === c.provider ? c : { ...c, provider }
}

/** Same stored secret material for the same provider and type (metadata and expiry ignored). */
export function sameCredential(a: Credential, b: Credential): boolean {
  return (
    a.type === b.type &&
    normalizeProviderId(a.provider) === normalizeProviderId(b.provider) &&
    encodeSecrets(a) === encodeSecrets(b)
  )
}

/**
 * Source id -> target id for every credential of one document. Non-codex ids keep their id
 * (and claim it); a codex id takes the first candidate that is unclaimed and either free in
 * the store or already holding this very credential. Undefined target = no usable id left.
 */
export function assignTargetIds(
  creds: ReadonlyArray<{ id: string; credential: Credential }>,
  existing: ReadonlyMap<string, StoredProfile>,
): Map<string, string | undefined> {
  const map = new Map<string, string | undefined>()
  const claimed = new Set(creds.filter((c) => !isCodexId(c.id)).map((c) => c.id))
  for (const c of creds) {
    if (!isCodexId(c.id)) {
      map.set(c.id, c.id)
      continue
    }
    const cred = canonicalCredential(c.credential)
    const target = codexCandidates(c.id).find((cand) => {
      if (claimed.has(cand)) return false
      const ex = existing.get(cand)
      return ex === undefined || sameCredential(ex.credential, cred)
    })
    if (target) claimed.add(target)
    map.set(c.id, target)
  }
  return map
}
