/**
 * What a provider falls back to when no profile resolves: its env keys (DECISIONS section 6),
 * else `models.providers.<p>.apiKey`. The list and the keys' state ids depend only on the view
 * (env, config, secrets), so resolve.ts builds them once per view and provider; per request
 * only the cooldown check runs. Pure.
 */
import { collectEnvApiKeys } from '../env/env-keys.ts'
import { unusableFor } from './cooldown.ts'
import { configKeyStateId, envKeyStateId } from './key-state-id.ts'
import type { ProfileState } from './types.ts'

export interface KeySource {
  kind: 'env' | 'config'
  /** The env variable; undefined for the config key. */
  varName: string | undefined
  /** `env: ANTHROPIC_API_KEYS[1]` or `models.providers.<p>.apiKey`; safe to print. */
  source: string
  secret: string
  /** Where its cooldowns are stored (key-state-id.ts). */
  stateId: string
}

export interface KeyAvailability {
  available: boolean
  unusable?: {
    until: number
    reason: import('./types.ts').FailureClass
    scope: 'profile' | 'model' | 'disabled'
  }
}

type Env = Readonly<Record<string, string | undefined>>

/** Env keys in priority order; the config key only when there is no env key at all. */
export function keySourcesFor(provider: string, env: Env, configSecret: string | undefined): KeySource[] {
  const out: KeySource[] = collectEnvApiKeys(provider, env).map((k) => ({
    kind: 'env',
    varName: k.varName,
    source: k.source,
    secret: k.value,
    stateId: envKeyStateId(provider, k.varName, k.value),
  }))
  if (out.length === 0 && configSecret)
    out.push({
      kind: 'config',
      varName: undefined,
      source: `models.providers.${provider}.apiKey`,
      secret: configSecret,
      stateId: configKeyStateId(provider, configSecret),
    })
  return out
}

const AVAILABLE: KeyAvailability = { available: true }

/** Per request: whether the key is cooling down or disabled for `model` right now. */
export function keyAvailability(
  stateId: string,
  states: ReadonlyMap<string, ProfileState>,
  model: string | undefined,
  now: number,
): KeyAvailability {
  const st = states.get(stateId)
  const u = st ? unusableFor(st, model, now) : undefined
  return u ? { available: false, unusable: { until: u.until, reason: u.reason, scope: u.scope } } : AVAILABLE
}
