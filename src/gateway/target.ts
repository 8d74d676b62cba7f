/**
 * Which models a request goes to: the session's /model override, else the request's `model`
 * (`provider/model`, an alias, or `provider/model@profileId`), else the agent's default; and
 * the fallback chain, which applies only when the primary model is what was asked for
 * (explicit other selections are strict, auth-spec 3.6).
 */
import { agentModelSelection, type ModelRef, parseModelRef } from '../auth/model-ref.ts'
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'
import type { SessionRecord } from '../store/session-repo.ts'
import type { InboundApi } from './error-response.ts'
import type { ChainEntry } from './failover.ts'

export interface Target {
  chain: ChainEntry[]
  /** The first entry's ref, as the gateway understood it. */
  primary: ModelRef
}

export interface TargetRequest {
  requested: unknown
  session: SessionRecord | undefined
  config: OpenclawConfig
  agentId: string
  inbound: InboundApi
}

/**
 * Targets per config object, keyed by what decides them; a reload swaps the config object.
 * Bounded: model strings come from clients. Entries are shared, so callers must not mutate them.
 */
const targetCache = new WeakMap<OpenclawConfig, Map<string, Target>>()
const TARGET_CACHE_MAX = 512

/** resolveTarget, memoised (the gateway asks for the same few models on every request). */
export function cachedTarget(opts: TargetRequest): Target {
  const raw = rawModel(opts)
  const key = `${opts.inbound}\u0000${opts.agentId}\u0000${raw ?? '\u0001'}`
  let byKey = targetCache.get(opts.config)
  if (!byKey) {
    byKey = new Map()
    targetCache.set(opts.config, byKey)
  }
  const hit = byKey.get(key)
  if (hit) return hit
  const t = resolveTarget(opts)
  if (byKey.size >= TARGET_CACHE_MAX) byKey.clear()
  byKey.set(key, t)
  return t
}

function rawModel(opts: TargetRequest): string | undefined {
  return (
    opts.session?.modelOverride ?? (typeof opts.requested === 'string' ? opts.requested.trim() : undefined)
  )
}

export function resolveTarget(opts: TargetRequest): Target {
  const sel = agentModelSelection(opts.config, opts.agentId)
  const raw = rawModel(opts)
  const useDefault = raw === undefined || raw === '' || raw === 'default'
  const text = useDefault ? sel.primary : raw
  if (!text) {
    throw new OpenclawError('invalid_input', 'No model given and no default model configured.', {
      hint: 'Send "model": "<provider>/<model>", or set agents.defaults.model.primary in openclaw.json.',
    })
  }
  const ref = parseLenient(text, opts.config, opts.inbound, sel.primary)
  const primaryKey = sel.primary ? safeKey(sel.primary, opts.config) : undefined
  const chain: ChainEntry[] = [
    { provider: ref.provider, model: ref.model, ...(ref.profileId ? { profileId: ref.profileId } : {}) },
  ]
  if (!ref.profileId && (useDefault || ref.key === primaryKey)) {
    for (const f of sel.fallbacks ?? []) {
      const fr = safeRef(f, opts.config)
      if (fr && !chain.some((c) => c.provider === fr.provider && c.model === fr.model)) {
        chain.push({ provider: fr.provider, model: fr.model })
      }
    }
  }
  return { chain, primary: ref }
}

/**
 * A bare model id (what SDK users type: `claude-sonnet-4-5`, `gpt-5`) is matched to a provider:
 * a configured provider listing it, else the default model's provider when the id matches
 * its family, else the provider whose API the client speaks.
 */
function parseLenient(
  text: string,
  config: OpenclawConfig,
  inbound: InboundApi,
  primary: string | undefined,
): ModelRef {
  try {
    return parseModelRef(text, config)
  } catch (err) {
    if (text.includes('/')) throw err
  }
  const at = text.lastIndexOf('@')
  const bare = at > 0 && text.slice(at + 1).includes(':') ? text.slice(0, at) : text
  const pin = bare === text ? '' : text.slice(at)
  const listing = Object.entries(config.models?.providers ?? {}).filter(([, p]) =>
    p.models?.some((m) => m.id === bare),
  )
  let provider: string
  if (listing.length === 1) provider = normalizeProviderId(listing[0]![0])
  else {
    const guess = /^claude/i.test(bare)
      ? 'anthropic'
      : /^(gpt|o\d|chatgpt)/i.test(bare)
        ? 'openai'
        : /^gemini/i.test(bare)
          ? 'google'
          : undefined
    provider =
      guess ??
      (primary ? safeRef(primary, config)?.provider : undefined) ??
      (inbound === 'anthropic' ? 'anthropic' : 'openai')
  }
  return parseModelRef(`${provider}/${bare}${pin}`, config)
}

function safeRef(text: string, config: OpenclawConfig): ModelRef | undefined {
  try {
    return parseModelRef(text, config)
  } catch {
    return undefined
  }
}

function safeKey(text: string, config: OpenclawConfig): string | undefined {
  return safeRef(text, config)?.key
}
