/**
 * Stale `auth.order.<provider>` lists (auth-spec 5.3): a list none of whose ids exists any more
 * silently disables the provider even though usable credentials are stored. Such a list is
 * deleted; partially live lists, explicit empty lists (a deliberate "no profiles"), and lists
 * for providers without compatible stored credentials are kept. Pure decision + config edit.
 */
import { evaluateEligibility } from '../auth/eligibility.ts'
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { StoredProfile } from '../auth/types.ts'
import { isPlainObject } from '../config/schema-dsl.ts'
import type { ConfigEdit } from './context.ts'

type Obj = Record<string, unknown>
const isObj = isPlainObject

export interface StaleOrder {
  provider: string
  ids: string[]
  /** Stored credentials the provider would use once the list is gone. */
  compatible: string[]
}

export function findStaleOrders(raw: Obj, stored: readonly StoredProfile[], now: number): StaleOrder[] {
  const auth = isObj(raw.auth) ? raw.auth : undefined
  if (!auth || !isObj(auth.order)) return []
  const configProfiles = isObj(auth.profiles) ? auth.profiles : {}
  const storedIds = new Set(stored.map((p) => p.id))
  const out: StaleOrder[] = []
  for (const [key, list] of Object.entries(auth.order)) {
    if (!Array.isArray(list) || list.length === 0) continue
    const ids = list.filter((x): x is string => typeof x === 'string')
    // aws-sdk ids are live without a stored credential (routing metadata).
    const live = ids.some(
      (id) => storedIds.has(id) || (isObj(configProfiles[id]) && configProfiles[id].mode === 'aws-sdk'),
    )
    if (live) continue
    const provider = normalizeProviderId(key)
    const compatible = stored
      .filter(
        (p) =>
          normalizeProviderId(p.credential.provider) === provider && evaluateEligibility(p, { now }).eligible,
      )
      .map((p) => p.id)
    if (compatible.length > 0) out.push({ provider: key, ids, compatible })
  }
  return out
}

export function staleOrderEdit(stale: readonly StaleOrder[]): ConfigEdit {
  return (raw) => {
    const auth = isObj(raw.auth) ? raw.auth : undefined
    if (!auth || !isObj(auth.order)) return []
    const changes: string[] = []
    for (const s of stale) {
      const cur = auth.order[s.provider]
      // Re-checked against the freshly read file: only the exact list judged stale is removed.
      if (!Array.isArray(cur) || JSON.stringify(cur) !== JSON.stringify(s.ids)) continue
      delete auth.order[s.provider]
      changes.push(`removed stale auth.order.${s.provider} (${s.ids.join(', ')})`)
    }
    if (Object.keys(auth.order).length === 0) delete auth.order
    return changes
  }
}
