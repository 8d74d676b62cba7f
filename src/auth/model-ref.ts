/**
 * Model references: `provider/model`, an alias from `agents.defaults.models.<ref>.alias`, and an
 * optional `@profileId` suffix that pins a credential for one request. Refs split on the first
 * `/` so OpenRouter-style ids (`openrouter/anthropic/claude-x`) keep their inner slashes.
 */
import type { ModelSelection, OpenclawConfig } from '../config/types.ts'
import { OpenclawError } from '../errors.ts'
import { escapeForMessage, normalizeProviderId, parseProfileId } from './profile-id.ts'

export interface ModelRef {
  provider: string
  model: string
  /** `provider/model`, canonical form used as a key. */
  key: string
  profileId?: string
}

/**
 * Whitespace, C0/C1 controls (U+009B is a terminal CSI), DEL and the bidi controls that reorder
 * how text prints: none belongs in a model id, and each would reach status output and logs.
 * One precompiled test keeps the per-request valid path free of extra work.
 */
const REFUSED_CHARS = /[\s\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/
const MAX_REF_LENGTH = 512

export function parseModelRef(input: string, config: OpenclawConfig = {}): ModelRef {
  const text = input.trim()
  if (text.length === 0 || text.length > MAX_REF_LENGTH || REFUSED_CHARS.test(text)) {
    const why =
      text.length === 0
        ? 'it is empty'
        : text.length > MAX_REF_LENGTH
          ? `it is longer than ${MAX_REF_LENGTH} characters`
          : 'it contains whitespace, a control character or a bidi override'
    throw new OpenclawError('invalid_input', `Invalid model reference "${escapeForMessage(text)}": ${why}.`, {
      hint: 'Use <provider>/<model>, an alias, or <provider>/<model>@<profileId>.',
    })
  }
  const at = text.lastIndexOf('@')
  // An `@` inside the model id is unusual but an `@` followed by `<provider>:<name>` is a pin.
  let base = text
  let profileId: string | undefined
  if (at > 0 && text.slice(at + 1).includes(':')) {
    profileId = text.slice(at + 1)
    base = text.slice(0, at)
    parseProfileId(profileId)
  }
  const aliased = resolveAlias(base, config)
  const slash = aliased.indexOf('/')
  if (slash <= 0 || slash === aliased.length - 1) {
    throw new OpenclawError(
      'invalid_input',
      `Unknown model "${escapeForMessage(base)}": not <provider>/<model> and not an alias.`,
      {
        hint: 'Configure aliases under agents.defaults.models."<provider>/<model>".alias in openclaw.json.',
      },
    )
  }
  const provider = normalizeProviderId(aliased.slice(0, slash))
  const model = aliased.slice(slash + 1)
  const ref: ModelRef = { provider, model, key: `${provider}/${model}` }
  if (profileId !== undefined) {
    const pinProvider = normalizeProviderId(parseProfileId(profileId).provider)
    if (pinProvider !== provider) {
      throw new OpenclawError(
        'profile_provider_mismatch',
        `Auth profile "${profileId}" is for ${pinProvider}, not ${provider}.`,
      )
    }
    ref.profileId = profileId
  }
  return ref
}

function resolveAlias(name: string, config: OpenclawConfig): string {
  const models = config.agents?.defaults?.models
  if (!models) return name
  for (const [key, entry] of Object.entries(models)) {
    if (entry?.alias === name) return key
  }
  return name
}

export function selectionOf(model: string | ModelSelection | undefined): ModelSelection {
  if (model === undefined) return {}
  return typeof model === 'string' ? { primary: model } : model
}

/** The agent's default model selection: its own entry first, then agents.defaults. */
export function agentModelSelection(config: OpenclawConfig, agentId: string): ModelSelection {
  const own = config.agents?.list?.find((a) => a.id === agentId)?.model
  const defaults = selectionOf(config.agents?.defaults?.model)
  if (own === undefined) return defaults
  const sel = selectionOf(own)
  return { primary: sel.primary ?? defaults.primary, fallbacks: sel.fallbacks ?? defaults.fallbacks }
}

/** Providers "in use": the default model and its fallbacks. Unparseable refs are skipped. */
export function providersInUse(
  config: OpenclawConfig,
  agentId: string,
): Array<{ provider: string; ref: string }> {
  const seen = new Set<string>()
  const out: Array<{ provider: string; ref: string }> = []
  for (const u of modelRefsInUse(config, agentId)) {
    if (!seen.has(u.provider)) {
      seen.add(u.provider)
      out.push(u)
    }
  }
  return out
}

/** Every model in use (the default model, then its fallbacks), deduplicated, in that order. */
export function modelRefsInUse(
  config: OpenclawConfig,
  agentId: string,
): Array<{ provider: string; ref: string }> {
  const sel = agentModelSelection(config, agentId)
  const refs = [sel.primary, ...(sel.fallbacks ?? [])].filter((r): r is string => typeof r === 'string')
  const out: Array<{ provider: string; ref: string }> = []
  for (const r of refs) {
    try {
      const parsed = parseModelRef(r, config)
      if (!out.some((o) => o.ref === parsed.key)) out.push({ provider: parsed.provider, ref: parsed.key })
    } catch {
      // A bad ref in config is reported by config validation / doctor, not here.
    }
  }
  return out
}
