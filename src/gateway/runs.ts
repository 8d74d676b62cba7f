/**
 * In-flight model requests ("runs"). Each has an id (sent as x-openclaw-run-id), its agent,
 * session and the provider/model currently serving it (updated when fallback moves on), and
 * an AbortController so the control plane can end it.
 */
import { EventEmitter } from 'node:events'

export interface Run {
  id: string
  agentId: string
  sessionKey?: string
  provider?: string
  model?: string
  profileId?: string
  startedAt: number
  controller: AbortController
  /** Why it was aborted, when it was (e.g. 'auth-revoked', 'client-disconnected'). */
  stopReason?: string
}

export class RunRegistry extends EventEmitter {
  private readonly runs = new Map<string, Run>()

  start(run: Omit<Run, 'controller'>): Run {
    const full: Run = { ...run, controller: new AbortController() }
    this.runs.set(run.id, full)
    return full
  }

  update(id: string, patch: Partial<Pick<Run, 'provider' | 'model' | 'profileId'>>): void {
    const r = this.runs.get(id)
    if (r) Object.assign(r, patch)
  }

  finish(id: string): void {
    this.runs.delete(id)
  }

  list(): Run[] {
    return [...this.runs.values()]
  }

  abort(id: string, stopReason: string): boolean {
    const r = this.runs.get(id)
    if (!r || r.controller.signal.aborted) return false
    r.stopReason = stopReason
    r.controller.abort(new Error(stopReason))
    this.emit('aborted', r)
    return true
  }
}
