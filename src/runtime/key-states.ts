/**
 * Env and config keys belong to the process, not to an agent, so their state rows live in the
 * root store of a view: the default agent's store, which every other agent reads through (or
 * the agent's own store when it has no parent). Both view builders copy them from there.
 */
import { isKeyStateId } from '../auth/key-state-id.ts'
import type { ProfileState } from '../auth/types.ts'

export function copyKeyStates(
  from: ReadonlyMap<string, ProfileState>,
  into: Map<string, ProfileState>,
): void {
  for (const [id, st] of from) if (isKeyStateId(id)) into.set(id, st)
}
