/**
 * Config side of the openai-codex -> openai migration (auth-spec 5.3): `auth.order.openai-codex`
 * merges into `auth.order.openai`, `auth.profiles` entries move to their canonical ids, and model
 * refs `openai-codex/<m>` become `openai/<m>` in the default model, fallbacks,
 * `agents.defaults.models` keys and `agents.list[].model`. Pure edit of the raw config tree.
 */

import { isPlainObject } from '../config/schema-dsl.ts'
import { CODEX_PROVIDER, naiveCodexId } from './codex-ids.ts'
import type { ConfigEdit } from './context.ts'

const REF_PREFIX = `${CODEX_PROVIDER}/`

type Obj = Record<string, unknown>
const isObj = isPlainObject

/** `renames` maps profile ids the store migrations actually assigned (collisions included). */
export function codexConfigEdit(renames: ReadonlyMap<string, string>): ConfigEdit {
  const mapId = (id: string) => renames.get(id) ?? naiveCodexId(id)
  return (raw) => {
    const changes: string[] = []
    const auth = isObj(raw.auth) ? raw.auth : undefined
    if (auth && isObj(auth.order) && Object.hasOwn(auth.order, CODEX_PROVIDER)) {
      const order = auth.order
      const codex = Array.isArray(order[CODEX_PROVIDER])
        ? (order[CODEX_PROVIDER] as unknown[]).filter((x): x is string => typeof x === 'string')
        : []
      const current = Array.isArray(order.openai) ? (order.openai as string[]) : undefined
      const merged = current ? [...current] : []
      for (const id of codex.map(mapId)) if (!merged.includes(id)) merged.push(id)
      order.openai = merged
      delete order[CODEX_PROVIDER]
      changes.push(`auth.order.${CODEX_PROVIDER} -> auth.order.openai`)
    }
    if (auth && isObj(auth.order)) {
      for (const [provider, list] of Object.entries(auth.order)) {
        if (
          !Array.isArray(list) ||
          !list.some((x) => typeof x === 'string' && x.startsWith(`${CODEX_PROVIDER}:`))
        )
          continue
        auth.order[provider] = list.map((x) => (typeof x === 'string' ? mapId(x) : x))
        changes.push(`auth.order.${provider}: ${CODEX_PROVIDER} ids renamed`)
      }
    }
    if (auth && isObj(auth.profiles)) {
      const profiles = auth.profiles
      for (const [id, entry] of Object.entries(profiles)) {
        const to = mapId(id)
        const fixedEntry =
          isObj(entry) && entry.provider === CODEX_PROVIDER ? { ...entry, provider: 'openai' } : entry
        if (to === id) {
          if (fixedEntry !== entry) {
            profiles[id] = fixedEntry
            changes.push(`auth.profiles.${id}.provider -> openai`)
          }
          continue
        }
        if (!Object.hasOwn(profiles, to)) profiles[to] = fixedEntry
        delete profiles[id]
        changes.push(`auth.profiles.${id} -> ${to}`)
      }
    }
    const agents = isObj(raw.agents) ? raw.agents : undefined
    const defaults = agents && isObj(agents.defaults) ? agents.defaults : undefined
    if (defaults) {
      if (rewriteSelection(defaults, 'model')) changes.push('agents.defaults.model')
      if (isObj(defaults.models)) {
        const models = defaults.models
        for (const key of Object.keys(models)) {
          if (!key.startsWith(REF_PREFIX)) continue
          const to = `openai/${key.slice(REF_PREFIX.length)}`
          const codexEntry = models[key]
          models[to] =
            isObj(models[to]) && isObj(codexEntry)
              ? { ...codexEntry, ...models[to] }
              : (models[to] ?? codexEntry)
          delete models[key]
          changes.push(`agents.defaults.models.${key} -> ${to}`)
        }
      }
    }
    if (agents && Array.isArray(agents.list)) {
      agents.list.forEach((a, i) => {
        if (isObj(a) && rewriteSelection(a, 'model')) changes.push(`agents.list[${i}].model`)
      })
    }
    return changes
  }
}

function rewriteRef(v: unknown): unknown {
  return typeof v === 'string' && v.startsWith(REF_PREFIX) ? `openai/${v.slice(REF_PREFIX.length)}` : v
}

/** Rewrites `holder[key]` (a ref string or `{ primary, fallbacks }`); true when anything changed. */
function rewriteSelection(holder: Obj, key: string): boolean {
  const v = holder[key]
  if (typeof v === 'string') {
    const next = rewriteRef(v)
    if (next === v) return false
    holder[key] = next
    return true
  }
  if (!isObj(v)) return false
  let changed = false
  const primary = rewriteRef(v.primary)
  if (primary !== v.primary) {
    v.primary = primary
    changed = true
  }
  if (Array.isArray(v.fallbacks)) {
    const next = v.fallbacks.map(rewriteRef)
    if (next.some((x, i) => x !== (v.fallbacks as unknown[])[i])) {
      v.fallbacks = next
      changed = true
    }
  }
  return changed
}
