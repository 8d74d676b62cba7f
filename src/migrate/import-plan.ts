/**
 * What importing one parsed legacy document into one store would do, decided against a
 * snapshot of that store. Never overwrites a usable stored credential (conflict instead,
 * PR #98245), recognises its own earlier import (identical rows are skipped, so a rerun after
 * a crash writes nothing), never replaces an order override the user set. Pure.
 */
import { evaluateEligibility } from '../auth/eligibility.ts'
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { Credential, ProfileState, StoredProfile } from '../auth/types.ts'
import { emptyProfileState } from '../auth/types.ts'
import type { StoreSnapshot } from '../store/credential-store.ts'
import type { ClampNote } from './clamp-window.ts'
import { assignTargetIds, canonicalCredential, naiveCodexId, sameCredential } from './codex-ids.ts'
import { mergeLegacyUsage, stateFingerprint } from './state-merge.ts'
import type { ParsedLegacy, Rejected } from './types.ts'

export interface ImportPlan {
  writes: Array<{ id: string; credential: Credential }>
  identical: string[]
  conflicts: Array<{ id: string; reason: string }>
  renamed: Array<{ from: string; to: string }>
  rejected: Rejected[]
  states: Array<{ id: string; state: ProfileState }>
  order: Array<{ provider: string; ids: string[] }>
  orderKept: Array<{ provider: string; reason: string }>
  lastGood: Array<{ provider: string; id: string; at: number }>
  /** Legacy windows cut to the ladder maximum (only those that were written). */
  clamped: ClampNote[]
}

export function planImport(parsed: ParsedLegacy, snap: StoreSnapshot, now: number): ImportPlan {
  const existing = new Map<string, StoredProfile>(snap.profiles.map((p) => [p.id, p]))
  const plan: ImportPlan = {
    writes: [],
    identical: [],
    conflicts: [],
    renamed: [],
    rejected: [],
    states: [],
    order: [],
    orderKept: [],
    lastGood: [],
    clamped: [],
  }
  const targets = assignTargetIds(parsed.credentials, existing)
  const landed = new Set<string>()
  for (const c of parsed.credentials) {
    const id = targets.get(c.id)
    if (id === undefined) {
      plan.rejected.push({ id: c.id, reason: 'invalid_id' })
      continue
    }
    if (id !== c.id) plan.renamed.push({ from: c.id, to: id })
    const cred = canonicalCredential(c.credential)
    const ex = existing.get(id)
    if (ex && sameCredential(ex.credential, cred)) {
      plan.identical.push(id)
      landed.add(id)
    } else if (ex && evaluateEligibility(ex, { now }).eligible) {
      plan.conflicts.push({ id, reason: 'a different usable credential is already stored under this id' })
    } else {
      plan.writes.push({ id, credential: cred })
      landed.add(id)
    }
  }
  const mapId = (id: string) => targets.get(id) ?? naiveCodexId(id)
  // State from auth-state.json belongs to whatever is stored; embedded state only to what landed.
  const applicable = (id: string) => landed.has(id) || (parsed.shape === 'state' && existing.has(id))
  planStates(parsed, snap, now, mapId, applicable, plan)
  planOrder(parsed, snap, mapId, plan)
  for (const [provider, id] of Object.entries(parsed.state.lastGood)) {
    const p = normalizeProviderId(provider)
    const target = mapId(id)
    if (snap.lastGood[p] !== undefined || !applicable(target)) continue
    if (plan.lastGood.some((g) => g.provider === p)) continue
    plan.lastGood.push({ provider: p, id: target, at: parsed.state.usageStats[id]?.lastUsed ?? now })
  }
  return plan
}

function planStates(
  parsed: ParsedLegacy,
  snap: StoreSnapshot,
  now: number,
  mapId: (id: string) => string,
  applicable: (id: string) => boolean,
  plan: ImportPlan,
): void {
  for (const [sourceId, usage] of Object.entries(parsed.state.usageStats)) {
    const id = mapId(sourceId)
    if (!applicable(id)) continue
    // A replaced credential starts healthy (the store clears its state on write).
    const replaced = plan.writes.some((w) => w.id === id) && snap.profiles.some((p) => p.id === id)
    const prev = replaced ? emptyProfileState(id) : (snap.states.get(id) ?? emptyProfileState(id))
    const clamped: ClampNote[] = []
    const next = mergeLegacyUsage(prev, usage, now, (n) => clamped.push({ ...n, id }))
    if (replaced || stateFingerprint(next) !== stateFingerprint(prev)) {
      plan.states.push({ id, state: next })
      plan.clamped.push(...clamped)
    }
  }
}

function planOrder(
  parsed: ParsedLegacy,
  snap: StoreSnapshot,
  mapId: (id: string) => string,
  plan: ImportPlan,
): void {
  const merged = new Map<string, string[]>()
  // Canonical provider first so its own list leads when openai and openai-codex both exist.
  const entries = Object.entries(parsed.state.order).sort(
    ([a], [b]) => Number(a !== normalizeProviderId(a)) - Number(b !== normalizeProviderId(b)),
  )
  for (const [provider, ids] of entries) {
    const p = normalizeProviderId(provider)
    const list = merged.get(p) ?? []
    for (const id of ids.map(mapId)) if (!list.includes(id)) list.push(id)
    merged.set(p, list)
  }
  for (const [provider, ids] of merged) {
    const current = snap.orderOverrides[provider]
    if (ids.length === 0) {
      plan.orderKept.push({ provider, reason: 'empty legacy order (nothing to import)' })
    } else if (current === undefined) {
      plan.order.push({ provider, ids })
    } else if (JSON.stringify(current) !== JSON.stringify(ids)) {
      plan.orderKept.push({ provider, reason: 'an order override is already set; kept' })
    }
  }
}

/** True when applying the plan would change nothing in the store. */
export function planIsNoop(plan: ImportPlan): boolean {
  return (
    plan.writes.length === 0 &&
    plan.states.length === 0 &&
    plan.order.length === 0 &&
    plan.lastGood.length === 0
  )
}
