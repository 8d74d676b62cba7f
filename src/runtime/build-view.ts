/**
 * Merges an agent's own store snapshot with its read-through parent's into the AuthView the
 * resolution code reads. Own rows win on id clashes and own providers shadow the parent's;
 * state comes from the owning store. The CLI (AgentRuntime), doctor and the gateway all build
 * their views here.
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { AuthView } from '../auth/resolve.ts'
import type { ProfileState, StoredProfile } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import type { StoreSnapshot } from '../store/credential-store.ts'
import { compareStrings } from '../util/compare.ts'
import { copyKeyStates } from './key-states.ts'

export interface ViewInputs {
  agentId: string
  storePath: string
  own: StoreSnapshot
  parent?: { agentId: string; snapshot: StoreSnapshot }
  config: OpenclawConfig
  env: Readonly<Record<string, string | undefined>>
  refState?: AuthView['refState']
  refValue?: AuthView['refValue']
}

export function buildAuthView(input: ViewInputs): AuthView {
  const owners = new Map<string, string>()
  const profiles: StoredProfile[] = []
  const states = new Map<string, ProfileState>()
  // Read-through is per provider: a parent's profile is visible only for providers the agent
  // has no profile of its own for, so an agent's own key is never rotated with the default
  // agent's keys (DECISIONS / docs/decisions.md "Agents").
  const ownProviders = new Set(input.own.profiles.map((p) => normalizeProviderId(p.credential.provider)))
  const add = (agentId: string, snap: StoreSnapshot, inherited: boolean) => {
    for (const p of snap.profiles) {
      if (owners.has(p.id)) continue
      if (inherited && ownProviders.has(normalizeProviderId(p.credential.provider))) continue
      profiles.push(p)
      owners.set(p.id, agentId)
      const st = snap.states.get(p.id)
      if (st) states.set(p.id, st)
    }
  }
  add(input.agentId, input.own, false)
  if (input.parent) add(input.parent.agentId, input.parent.snapshot, true)
  copyKeyStates((input.parent?.snapshot ?? input.own).states, states)
  profiles.sort(
    (a, b) => compareStrings(a.credential.provider, b.credential.provider) || compareStrings(a.id, b.id),
  )
  return {
    agentId: input.agentId,
    storePath: input.storePath,
    profiles,
    owners,
    states,
    orderOverrides: input.own.orderOverrides,
    config: input.config,
    env: input.env,
    ...(input.refState ? { refState: input.refState } : {}),
    ...(input.refValue ? { refValue: input.refValue } : {}),
  }
}
