/**
 * The env / config key part of `models status`: which key the gateway would send, which ones
 * are cooling down (their state rows, see key-state-id.ts) and the command that clears each.
 * Pure; never a secret (labels, state ids and masked values only).
 */
import { maskSecret } from '../util/mask.ts'
import { activeWindows } from './cooldown.ts'
import type { Candidate } from './resolve.ts'
import type { ProviderStatus, UnusableKey } from './status-types.ts'
import type { ProfileState } from './types.ts'
import { WHOLE_PROFILE } from './types.ts'

type KeyCandidate = Extract<Candidate, { kind: 'env' | 'config' }>

export function isKeyCandidate(c: Candidate): c is KeyCandidate {
  return c.kind === 'env' || c.kind === 'config'
}

/** What the gateway's `x-openclaw-auth-profile` header and `clear-cooldown` call the key. */
export function keyName(c: Pick<KeyCandidate, 'source'>): string {
  return c.source.replace(/^env: /, 'env:')
}

/** The `env` block of a provider row: the key that would serve first (else the first), masked. */
export function envRow(candidates: readonly Candidate[]): ProviderStatus['env'] {
  const keys = candidates.filter((c): c is Extract<Candidate, { kind: 'env' }> => c.kind === 'env')
  const shown = keys.find((k) => k.available) ?? keys[0]
  if (!shown) return undefined
  return {
    value: maskSecret(shown.secret),
    source: shown.source,
    count: keys.length,
    keys: keys.map((k) => ({
      key: keyName(k),
      keyId: k.stateId,
      value: maskSecret(k.secret),
      available: k.available,
    })),
  }
}

export function unusableKeys(
  provider: string,
  candidates: readonly Candidate[],
  states: ReadonlyMap<string, ProfileState>,
  now: number,
): UnusableKey[] {
  const out: UnusableKey[] = []
  for (const c of candidates) {
    if (!isKeyCandidate(c)) continue
    const st = states.get(c.stateId)
    if (!st) continue
    for (const w of activeWindows(st, now)) {
      out.push({
        key: keyName(c),
        keyId: c.stateId,
        provider,
        kind: w.kind,
        reason: w.reason,
        model: w.model,
        until: w.until,
        remainingMs: w.remainingMs,
        recovery: keyRecovery(keyName(c), w.reason),
      })
    }
  }
  return out
}

/** Models some candidate is cooling down for: the credential serving them may differ. */
export function modelsWithWindows(
  candidates: readonly Candidate[],
  states: ReadonlyMap<string, ProfileState>,
  now: number,
): string[] {
  const models = new Set<string>()
  for (const c of candidates) {
    const st = states.get(c.kind === 'profile' ? c.profileId : c.stateId)
    if (!st) continue
    for (const w of activeWindows(st, now)) if (w.model !== WHOLE_PROFILE) models.add(w.model)
  }
  return [...models].sort()
}

function keyRecovery(name: string, reason: string): string {
  const clear = `openclaw models auth clear-cooldown ${name}`
  if (reason === 'billing') return `top up credits, then run: ${clear}`
  if (reason === 'auth' || reason === 'auth_permanent')
    return `replace the key (a new value starts clean), or run: ${clear}`
  return `waits out automatically; to retry now run: ${clear}`
}
