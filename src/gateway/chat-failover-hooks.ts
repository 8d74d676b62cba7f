/**
 * The credential side of one chat request's failover loop: which candidates to try (with the
 * session's pin and the order signature its auto pin is written under), whether a candidate
 * started cooling meanwhile, the attempt itself, and what a failure or success records
 * (cooldowns with the attempt's send time, last use, the session's auto pin). failover.ts
 * decides the order of things; these hooks are its I/O.
 */
import { unusableFor } from '../auth/cooldown.ts'
import { type ResolveRequest, resolveProviderAuth } from '../auth/resolve.ts'
import type { ProfileState } from '../auth/types.ts'
import type { SessionRecord } from '../store/session-repo.ts'
import type { AgentState } from './agent-state.ts'
import type { FailoverHooks } from './failover.ts'
import type { GatewayState, Logger } from './gateway-state.ts'
import { attemptWithOAuth } from './oauth-attempt.ts'
import type { RunRegistry } from './runs.ts'
import { orderSignature, pinFor } from './session-pins.ts'
import type { RequestContext, UpstreamSuccess } from './upstream-attempt.ts'

export interface ChatRequestScope {
  state: GatewayState
  agent: AgentState
  runs: RunRegistry
  log: Logger
  runId: string
  session: SessionRecord | undefined
  sessionKey: string | undefined
  /** Order signatures per provider, only when the request has a session (pins need them). */
  signatures: Map<string, string> | undefined
  ctx: RequestContext
}

export function chatFailoverHooks(scope: ChatRequestScope): FailoverHooks<UpstreamSuccess> {
  const { state, agent, runs, log, runId, session, sessionKey, signatures, ctx } = scope
  // When the current attempt left: its failure, if any, is dated by it (cooldown.ts sentAt).
  let attemptSentAt: number | undefined
  return {
    now: state.clock,
    signal: ctx.signal,
    resolve: (entry) => {
      runs.update(runId, entry.provider, entry.model)
      const view = state.viewOf(agent)
      // The auto pin written on success must carry the order this request was resolved
      // under: a view refreshed mid-request would otherwise bless a stale pin.
      // Only sessions carry pins; the signature is not worth computing without one.
      const sig = signatures ? orderSignature(view, entry.provider) : ''
      signatures?.set(entry.provider, sig)
      const pin = pinFor(session, entry, sig)
      const rr: ResolveRequest = { provider: entry.provider, model: entry.model, now: state.clock() }
      if (pin) rr.pin = pin
      if (entry.profileId) rr.profileId = entry.profileId
      return resolveProviderAuth(view, rr)
    },
    currentlyUnusable: (entry, c) => {
      if (c.kind !== 'profile') return undefined
      const st = state.viewOf(agent).states.get(c.profileId)
      const u = st ? unusableFor(st, entry.model, state.clock()) : undefined
      return u ? { until: u.until, reason: u.reason } : undefined
    },
    keyUnusable: (entry, c) => {
      const st = state.viewOf(agent).states.get(c.stateId)
      const u = st ? unusableFor(st, entry.model, state.clock()) : undefined
      return u ? { until: u.until, reason: u.reason } : undefined
    },
    attempt: (entry, c) => {
      attemptSentAt = state.clock()
      runs.update(runId, entry.provider, entry.model, c.kind === 'profile' ? c.profileId : undefined)
      // The moment this credential was chosen, in the same log as its failures: the order of
      // the two lines shows whether a call was decided before or after a cooldown began.
      if (state.debug)
        state.debugLog(
          `run ${runId}: ${entry.provider}/${entry.model} via ${c.kind === 'profile' ? c.profileId : c.source}: attempt`,
        )
      return attemptWithOAuth(ctx, state, agent, entry, c)
    },
    onFailure: (entry, c, cls) => {
      const f = {
        reason: cls.reason,
        model: entry.model,
        now: state.clock(),
        ...(attemptSentAt !== undefined ? { sentAt: attemptSentAt } : {}),
        ...(cls.retryAfterMs !== undefined ? { retryAfterMs: cls.retryAfterMs } : {}),
      }
      let next: ProfileState | undefined
      if (c.kind === 'profile') {
        next = agent.recordFailure(c.profileId, f)
        // Other agents may inherit the profile; this one and its owner already know.
        state.invalidateAll([agent, agent.ownerOf(c.profileId)])
      } else {
        // Env and config keys: same coalesced write, into the store of the root agent.
        next = agent.recordKeyFailure(c.stateId, f)
        state.invalidateAll([agent, agent.parent])
      }
      log(
        'warn',
        `run ${runId}: ${entry.provider}/${entry.model} via ${c.kind === 'profile' ? c.profileId : c.source} failed: ${cls.reason}`,
      )
      if (state.debug) state.debugLog(`run ${runId}: ${cls.reason}: ${cls.detail}`)
      return next ? unusableFor(next, entry.model, f.now)?.until : undefined
    },
    onSuccess: (entry, c) => {
      if (state.debug)
        state.debugLog(
          `run ${runId}: ${entry.provider}/${entry.model} via ${c.kind === 'profile' ? c.profileId : c.source}: ok`,
        )
      if (c.kind !== 'profile') return
      agent.noteSuccess(c.profileId, entry.provider, state.clock())
      if (sessionKey && !entry.profileId && session?.profileOverrideSource !== 'user') {
        const sig = signatures?.get(entry.provider) ?? ''
        if (session?.profileOverride !== c.profileId || session?.orderSignature !== sig) {
          const next: SessionRecord = {
            ...(session ?? { sessionKey }),
            sessionKey,
            profileOverride: c.profileId,
            profileOverrideSource: 'auto',
            orderSignature: sig,
            updatedAt: state.clock(),
          }
          agent.setSession(sessionKey, next)
        }
      }
    },
  }
}
