/**
 * Resolves a clear-cooldown target that names an env or config key (auth/clear-target.ts) to
 * the state rows it means: names through the current environment, exactly as status and the
 * gateway label keys; stored ids and `--provider <p> --env` through the rows themselves, so a
 * key that has left the environment can still be cleared. Pure.
 */
import type { ClearTarget } from '../auth/clear-target.ts'
import { keySourcesFor } from '../auth/key-candidates.ts'
import { configKeyStateId, parseKeyStateId } from '../auth/key-state-id.ts'
import { keyName } from '../auth/key-status.ts'

export interface KeyMatch {
  provider: string
  /** `env:ANTHROPIC_API_KEYS[1]`, `models.providers.<p>.apiKey`, or the stored id when not in env. */
  key: string
  keyId: string
}

export interface KeyMatchInputs {
  /** Providers whose env keys are looked at (built-ins and configured ones). */
  providers: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  configSecret(provider: string): string | undefined
  /** State row ids of the root store. */
  storedIds: Iterable<string>
}

export function matchKeyTargets(
  target: Exclude<ClearTarget, { kind: 'profile' }>,
  inputs: KeyMatchInputs,
): KeyMatch[] {
  const out = new Map<string, KeyMatch>()
  const add = (m: KeyMatch) => {
    if (!out.has(m.keyId)) out.set(m.keyId, m)
  }
  const stored = [...inputs.storedIds]
  // Stored ids of keys still in the environment are shown under the name status uses.
  const current = new Map<string, string>()
  for (const provider of inputs.providers)
    for (const k of keySourcesFor(provider, inputs.env, inputs.configSecret(provider)))
      current.set(k.stateId, keyName(k))
  const named = (id: string) => current.get(id) ?? id
  switch (target.kind) {
    case 'env-key': {
      const wanted = (source: string) =>
        target.index === undefined
          ? source === `env: ${target.varName}` || source.startsWith(`env: ${target.varName}[`)
          : source === `env: ${target.varName}[${target.index}]`
      for (const provider of inputs.providers)
        for (const k of keySourcesFor(provider, inputs.env, undefined))
          if (k.kind === 'env' && wanted(k.source)) add({ provider, key: keyName(k), keyId: k.stateId })
      break
    }
    case 'config-key': {
      const secret = inputs.configSecret(target.provider)
      if (secret)
        add({
          provider: target.provider,
          key: `models.providers.${target.provider}.apiKey`,
          keyId: configKeyStateId(target.provider, secret),
        })
      // Rows of a value that was replaced since: still "the config key" to the user.
      for (const id of stored) {
        const p = parseKeyStateId(id)
        if (p?.kind === 'config' && p.provider === target.provider)
          add({ provider: p.provider, key: named(id), keyId: id })
      }
      break
    }
    case 'key-id': {
      const p = parseKeyStateId(target.id)
      if (p) add({ provider: p.provider, key: named(target.id), keyId: target.id })
      break
    }
    case 'provider-keys':
      for (const id of stored) {
        const p = parseKeyStateId(id)
        if (p?.provider === target.provider) add({ provider: p.provider, key: named(id), keyId: id })
      }
      break
  }
  return [...out.values()]
}
