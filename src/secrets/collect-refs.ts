/**
 * Where refs are used: auth profiles (`keyRef`, `tokenRef`) and the SecretRef-capable config
 * fields of this build (`models.providers.<id>.apiKey`, `.headers.*`, `gateway.auth.token`,
 * `gateway.auth.password`, `gateway.auth.clients[i].token`). Each use carries a printable label for reports.
 */
import type { SecretRef, StoredProfile } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { asSecretRef } from './ref.ts'

export type RefUse =
  | { kind: 'profile'; agentId: string; profileId: string; field: 'keyRef' | 'tokenRef' }
  | { kind: 'config'; path: string }

export interface RefEntry {
  ref: SecretRef
  use: RefUse
}

export function profileRefs(profiles: readonly StoredProfile[], agentId: string): RefEntry[] {
  const out: RefEntry[] = []
  for (const p of profiles) {
    const c = p.credential as unknown as Record<string, unknown>
    for (const field of ['keyRef', 'tokenRef'] as const) {
      const ref = asSecretRef(c[field])
      if (ref) out.push({ ref, use: { kind: 'profile', agentId, profileId: p.id, field } })
    }
  }
  return out
}

export interface ConfigRefOptions {
  /** Include `gateway.auth.*` (only the gateway needs them; the CLI status path does not). */
  gateway?: boolean
}

export function configRefs(config: OpenclawConfig, opts: ConfigRefOptions = {}): RefEntry[] {
  const out: RefEntry[] = []
  const add = (value: unknown, path: string) => {
    const ref = asSecretRef(value)
    if (ref) out.push({ ref, use: { kind: 'config', path } })
  }
  for (const [id, p] of Object.entries(config.models?.providers ?? {})) {
    const base = `models.providers.${id}`
    add(p.apiKey, `${base}.apiKey`)
    for (const [name, v] of Object.entries(p.headers ?? {})) add(v, `${base}.headers.${name}`)
  }
  if (opts.gateway) {
    add(config.gateway?.auth?.token, 'gateway.auth.token')
    add(config.gateway?.auth?.password, 'gateway.auth.password')
    config.gateway?.auth?.clients?.forEach((c, i) => {
      add(c.token, `gateway.auth.clients[${i}].token`)
    })
  }
  return out
}

export function describeUse(use: RefUse): string {
  return use.kind === 'profile' ? `profile ${use.profileId} (${use.field}, agent ${use.agentId})` : use.path
}
