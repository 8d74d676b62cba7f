/**
 * What a provider falls back to when no profile resolves: its env keys (DECISIONS section 6),
 * else `models.providers.<p>.apiKey`. The list and the keys' state ids depend only on the view
 * (env, config, secrets), so resolve.ts builds them once per view and provider; per request
 * only the cooldown check runs. Pure.
 */
import { collectEnvApiKeys } from '../env/env-keys.ts'
import { unusableFor } from './cooldown.ts'
import { configKeyStateId, envKeyStateId } from './key-state-id.ts'
import type { Candidate } from './resolve.ts'
import type { FailureClass, ProfileState } from './types.ts'

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
    reason: FailureClass
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

/**
 * Per request: the key as a candidate, available unless it is cooling down or disabled for
 * `model` right now. One object per key (the common case, no state row, allocates nothing else).
 */
export function keyCandidate(
  k: KeySource,
  index: number,
  states: ReadonlyMap<string, ProfileState>,
  model: string | undefined,
  now: number,
): Candidate {
  const st = states.get(k.stateId)
  const u = st ? unusableFor(st, model, now) : undefined
  const c: Candidate =
    k.kind === 'env'
      ? {
          kind: 'env',
          varName: k.varName!,
          source: k.source,
          mode: 'api_key',
          secret: k.secret,
          index,
          stateId: k.stateId,
          available: u === undefined,
        }
      : {
          kind: 'config',
          source: k.source,
          mode: 'api_key',
          secret: k.secret,
          stateId: k.stateId,
          available: u === undefined,
        }
  if (u) c.unusable = { until: u.until, reason: u.reason, scope: u.scope }
  return c
}
