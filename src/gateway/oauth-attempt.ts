import type { Candidate } from '../auth/resolve.ts'
import type { OpenclawError } from '../errors.ts'
import { endpointFor, type ProviderEndpoint } from '../providers/registry.ts'
import type { AgentState } from './agent-state.ts'
import type { ChainEntry } from './failover.ts'
import type { GatewayState } from './gateway-state.ts'
import { attemptUpstream, type RequestContext } from './upstream-attempt.ts'

/**
 * OAuth profiles get a token good for 5+ minutes first (lease + compare-and-set refresh owned
 * by src/oauth); a 401 on it forces one refresh, and only if the rejected token is still the
 * stored one (another process may have rotated it already).
 */
export function attemptWithOAuth(
  ctx: RequestContext,
  state: GatewayState,
  agent: AgentState,
  entry: ChainEntry,
  c: Candidate,
): ReturnType<typeof attemptUpstream> {
  const endpoint = endpointFor(entry.provider, state.config, state.refValue)!
  // Not async itself: a wrapper promise per request is measurable on the hot path.
  if (c.kind !== 'profile' || c.mode !== 'oauth') return attemptUpstream(ctx, endpoint, entry.model, c)
  return attemptOAuth(ctx, state, agent, entry, c, endpoint)
}

async function attemptOAuth(
  ctx: RequestContext,
  state: GatewayState,
  agent: AgentState,
  entry: ChainEntry,
  c: Extract<Candidate, { kind: 'profile' }>,
  endpoint: ProviderEndpoint,
): ReturnType<typeof attemptUpstream> {
  const owner = agent.ownerOf(c.profileId) ?? agent
  const refresher = await state.oauth()
  const fresh = await refresher.ensureFresh(owner.store, c.profileId, { agentId: owner.agentId })
  if ('error' in fresh) return refreshFailure(fresh.error)
  if (fresh.refreshed || fresh.adoptedFrom) state.invalidateAll()
  const first = await attemptUpstream(ctx, endpoint, entry.model, { ...c, secret: fresh.access })
  if (first.ok || first.status !== 401 || ctx.signal.aborted) return first
  const again = await refresher.afterUnauthorized(owner.store, c.profileId, fresh.access, {
    agentId: owner.agentId,
  })
  if ('error' in again) return refreshFailure(again.error)
  if (again.access === fresh.access) return first
  state.invalidateAll()
  return attemptUpstream(ctx, endpoint, entry.model, { ...c, secret: again.access })
}

function refreshFailure(e: OpenclawError): Awaited<ReturnType<typeof attemptUpstream>> {
  // A dead refresh token needs a new login (long disable); a transient refresh failure is
  // treated like a timeout (short, model-scoped cooldown) so other profiles take over.
  const reauth = e.code === 'reauth_required'
  return {
    ok: false,
    classification: {
      reason: reauth ? 'auth_permanent' : 'timeout',
      detail: e.message,
      ...(reauth ? { waitingWontHelp: true } : {}),
      ...(e.hint ? { hint: e.hint } : {}),
    },
  }
}
