/**
 * Provider endpoints: built-in defaults plus `models.providers.<id>` from config. A provider's
 * configured origin is the only place its credentials are ever sent.
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import { lookupProviderKey } from '../auth/resolve.ts'
import type { SecretRef } from '../auth/types.ts'
import type { OpenclawConfig, ProviderApi } from '../config/types.ts'

export interface ProviderEndpoint {
  id: string
  api: ProviderApi
  /** Base URL without trailing slash, e.g. https://api.anthropic.com */
  baseUrl: string
  /** scheme://host:port the credential is bound to. */
  origin: string
  /** Static extra headers from config (already resolved strings). */
  headers: Record<string, string>
  timeoutMs: number
  models: string[]
  builtin: boolean
  /**
   * Configured header names whose value is unusable (a SecretRef that did not resolve, or a
   * value HTTP cannot carry); such a provider is not called.
   */
  unresolvedHeaders: string[]
}

export const BUILTIN_PROVIDERS: Readonly<
  Record<string, { api: ProviderApi; baseUrl: string; models: string[] }>
> = {
  anthropic: { api: 'anthropic-messages', baseUrl: 'https://api.anthropic.com', models: [] },
  openai: { api: 'openai-completions', baseUrl: 'https://api.openai.com/v1', models: [] },
  openrouter: { api: 'openai-completions', baseUrl: 'https://openrouter.ai/api/v1', models: [] },
  google: {
    api: 'google-generative-ai',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    models: [],
  },
}

export const DEFAULT_TIMEOUT_MS = 120_000

/** Node's rule for header values: tab, printable ASCII and Latin-1 only. */
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/

/** Resolves the endpoint of a provider, or undefined when it is neither built in nor configured. */
export function resolveProviderEndpoint(
  providerId: string,
  config: OpenclawConfig,
  resolveHeader: (value: unknown) => string | undefined = (v) => (typeof v === 'string' ? v : undefined),
): ProviderEndpoint | undefined {
  const id = normalizeProviderId(providerId)
  const builtin = BUILTIN_PROVIDERS[id]
  const cfg = lookupProviderKey(config.models?.providers, id)
  if (!builtin && !cfg) return undefined
  const baseUrl = (cfg?.baseUrl ?? builtin?.baseUrl ?? '').replace(/\/+$/, '')
  if (!baseUrl) return undefined
  const api = cfg?.api ?? builtin?.api ?? 'openai-completions'
  const headers: Record<string, string> = {}
  const unresolvedHeaders: string[] = []
  for (const [name, value] of Object.entries(cfg?.headers ?? {})) {
    const resolved = resolveHeader(value)
    // A value Node's HTTP stack would refuse (its error would quote it) is as unusable as a
    // ref that did not resolve.
    if (resolved !== undefined && !BAD_HEADER_VALUE.test(resolved)) headers[name.toLowerCase()] = resolved
    else unresolvedHeaders.push(name)
  }
  return {
    id,
    api,
    baseUrl,
    origin: new URL(baseUrl).origin,
    headers,
    timeoutMs: cfg?.timeoutSeconds ? cfg.timeoutSeconds * 1000 : DEFAULT_TIMEOUT_MS,
    models: (cfg?.models ?? []).map((m) => m.id),
    builtin: builtin !== undefined,
    unresolvedHeaders,
  }
}

type RefValue = (ref: SecretRef) => string | undefined

/** Per config object, then per secrets snapshot (its `refValue`); undefined = no snapshot. */
const endpointCache = new WeakMap<
  OpenclawConfig,
  { plain?: EndpointMap; byRefs: WeakMap<RefValue, EndpointMap> }
>()
type EndpointMap = Map<string, ProviderEndpoint | null>

/**
 * The gateway's per-request lookup: the same answer as resolveProviderEndpoint with header
 * SecretRefs read from the active snapshot, computed once per config object and snapshot (a
 * reload or re-activation swaps them, so the cache cannot go stale). Callers must not mutate
 * the returned endpoint.
 */
export function endpointFor(
  providerId: string,
  config: OpenclawConfig,
  refValue?: RefValue,
): ProviderEndpoint | undefined {
  let slot = endpointCache.get(config)
  if (!slot) {
    slot = { byRefs: new WeakMap() }
    endpointCache.set(config, slot)
  }
  let byProvider = refValue ? slot.byRefs.get(refValue) : slot.plain
  if (!byProvider) {
    byProvider = new Map()
    if (refValue) slot.byRefs.set(refValue, byProvider)
    else slot.plain = byProvider
  }
  let ep = byProvider.get(providerId)
  if (ep === undefined) {
    ep =
      resolveProviderEndpoint(providerId, config, (v) =>
        typeof v === 'string' ? v : isRef(v) ? refValue?.(v) : undefined,
      ) ?? null
    byProvider.set(providerId, ep)
  }
  return ep ?? undefined
}

function isRef(v: unknown): v is SecretRef {
  return typeof v === 'object' && v !== null && typeof (v as { source?: unknown }).source === 'string'
}
