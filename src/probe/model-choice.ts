/**
 * Which model a probe asks (auth-spec 4.4): the first configured candidate for the provider,
 * in the order default, fallbacks, configured models (`agents.defaults.models` keys), then the
 * provider's own catalog in `models.providers.<id>.models`. Pure.
 */
import { agentModelSelection, parseModelRef } from '../auth/model-ref.ts'
import { normalizeProviderId } from '../auth/profile-id.ts'
import { lookupProviderKey } from '../auth/resolve.ts'
import type { OpenclawConfig } from '../config/types.ts'

/** The model id (without the provider prefix), or undefined when nothing is configured. */
export function probeModelFor(config: OpenclawConfig, agentId: string, provider: string): string | undefined {
  const wanted = normalizeProviderId(provider)
  const sel = agentModelSelection(config, agentId)
  const refs = [
    sel.primary,
    ...(sel.fallbacks ?? []),
    ...Object.keys(config.agents?.defaults?.models ?? {}),
  ].filter((r): r is string => typeof r === 'string')
  for (const ref of refs) {
    try {
      const parsed = parseModelRef(ref, config)
      if (parsed.provider === wanted) return parsed.model
    } catch {
      // A malformed ref is config validation's problem; it just is not a probe candidate.
    }
  }
  const catalog = lookupProviderKey(config.models?.providers, wanted)?.models ?? []
  return catalog.find((m) => typeof m.id === 'string' && m.id.trim() !== '')?.id
}
