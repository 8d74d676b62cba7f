/**
 * The state part of a legacy document: `order` (provider -> ids), `lastGood` (provider -> id)
 * and `usageStats` (id -> counters and windows). Lenient: a malformed part is reported and
 * skipped; it never blocks importing credentials. Pure.
 */
import type { LegacyState, LegacyUsage, Rejected } from './types.ts'

const NUMERIC = ['lastUsed', 'cooldownUntil', 'disabledUntil', 'errorCount', 'lastFailureAt'] as const
const TEXT = ['cooldownReason', 'cooldownModel', 'disabledReason'] as const

export function parseLegacyState(d: Record<string, unknown>): { state: LegacyState; rejected: Rejected[] } {
  const state: LegacyState = { order: {}, lastGood: {}, usageStats: {} }
  const rejected: Rejected[] = []
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined

  if (d.order !== undefined) {
    const order = obj(d.order)
    if (!order) rejected.push({ id: 'order', reason: 'non_object' })
    for (const [provider, ids] of Object.entries(order ?? {})) {
      if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) {
        rejected.push({ id: `order.${provider}`, reason: 'invalid_type' })
        continue
      }
      state.order[provider.trim().toLowerCase()] = ids as string[]
    }
  }
  if (d.lastGood !== undefined) {
    const lastGood = obj(d.lastGood)
    if (!lastGood) rejected.push({ id: 'lastGood', reason: 'non_object' })
    for (const [provider, id] of Object.entries(lastGood ?? {})) {
      if (typeof id === 'string') state.lastGood[provider.trim().toLowerCase()] = id
      else rejected.push({ id: `lastGood.${provider}`, reason: 'invalid_type' })
    }
  }
  if (d.usageStats !== undefined) {
    const usage = obj(d.usageStats)
    if (!usage) rejected.push({ id: 'usageStats', reason: 'non_object' })
    for (const [id, raw] of Object.entries(usage ?? {})) {
      const u = obj(raw)
      if (!u) {
        rejected.push({ id: `usageStats.${id}`, reason: 'non_object' })
        continue
      }
      state.usageStats[id] = usageOf(u)
    }
  }
  return { state, rejected }
}

function usageOf(u: Record<string, unknown>): LegacyUsage {
  const out: LegacyUsage = {}
  for (const k of NUMERIC) {
    const v = u[k]
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) out[k] = v
  }
  for (const k of TEXT) {
    const v = u[k]
    if (typeof v === 'string' && v.length <= 200) out[k] = v
  }
  const fc = obj2(u.failureCounts)
  if (fc) {
    const counts: Record<string, number> = {}
    for (const [k, v] of Object.entries(fc))
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) counts[k] = v
    if (Object.keys(counts).length) out.failureCounts = counts
  }
  return out
}

function obj2(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}
