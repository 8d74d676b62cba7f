/**
 * In-flight model requests ("runs"). Each has an id (sent as x-openclaw-run-id), its agent,
 * session and the provider/model currently serving it (updated when fallback moves on), and
 * an AbortController so the control plane can end it. Emits 'chat' events for its lifecycle:
 * started, final, error, aborted (with stopReason, e.g. 'auth-revoked').
 */
import { EventEmitter } from 'node:events'
import { LightAbort } from '../util/abort-like.ts'

export interface Run {
  id: string
  agentId: string
  sessionKey?: string
  provider?: string
  model?: string
  profileId?: string
  startedAt: number
  controller: LightAbort
  /** Why it was aborted, when it was (e.g. 'auth-revoked', 'client-disconnected'). */
  stopReason?: string
}

export type RunState = 'started' | 'final' | 'error' | 'aborted'

export interface ChatEventPayload {
  runId: string
  agentId: string
  sessionKey?: string
  provider?: string
  model?: string
  state: RunState
  stopReason?: string
  error?: string
}

export class RunRegistry extends EventEmitter {
  private readonly runs = new Map<string, Run>()

  start(id: string, agentId: string, sessionKey: string | undefined, startedAt: number): Run {
    const run: Run = { id, agentId, startedAt, controller: new LightAbort() }
    if (sessionKey !== undefined) run.sessionKey = sessionKey
    this.runs.set(id, run)
    this.emitChat(run, 'started')
    return run
  }

  /** Which provider, model and profile serve the run now (fallback moves them). */
  update(id: string, provider: string, model: string, profileId?: string): void {
    const r = this.runs.get(id)
    if (!r) return
    r.provider = provider
    r.model = model
    if (profileId !== undefined) r.profileId = profileId
  }

  /** Ends a run; an aborted run already reported itself and stays 'aborted'. */
  finish(
    id: string,
    outcome: { state: 'final' } | { state: 'error'; error: string } = { state: 'final' },
  ): void {
    const r = this.runs.get(id)
    if (!r) return
    this.runs.delete(id)
    if (r.controller.signal.aborted && r.stopReason !== 'client-disconnected') return
    if (r.stopReason === 'client-disconnected')
      this.emitChat(r, 'aborted', { stopReason: 'client-disconnected' })
    else this.emitChat(r, outcome.state, outcome.state === 'error' ? { error: outcome.error } : undefined)
  }

  get(id: string): Run | undefined {
    return this.runs.get(id)
  }

  list(): Run[] {
    return [...this.runs.values()]
  }

  abort(id: string, stopReason: string): boolean {
    const r = this.runs.get(id)
    if (!r || r.controller.signal.aborted) return false
    r.stopReason = stopReason
    r.controller.abort(new Error(stopReason))
    this.emitChat(r, 'aborted', { stopReason })
    return true
  }

  private emitChat(r: Run, state: RunState, extra?: Partial<ChatEventPayload>): void {
    if (this.listenerCount('chat') === 0) return
    const payload: ChatEventPayload = { runId: r.id, agentId: r.agentId, state }
    if (r.sessionKey) payload.sessionKey = r.sessionKey
    if (r.provider) payload.provider = r.provider
    if (r.model) payload.model = r.model
    if (extra) Object.assign(payload, extra)
    this.emit('chat', payload)
  }
}
