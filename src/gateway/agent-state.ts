/**
 * One agent as the gateway sees it: an in-memory AuthView rebuilt only when something changed
 * (our own failure writes, another process's commit seen through data_version, a config
 * reload). The success path touches memory only: `lastUsed` and auto session pins are queued
 * and flushed in one transaction per store off the request path.
 */

import path from 'node:path'
import { recordFailure } from '../auth/cooldown.ts'
import type { AuthView } from '../auth/resolve.ts'
import type { FailureClass, ProfileState } from '../auth/types.ts'
import { emptyProfileState } from '../auth/types.ts'
import type { OpenclawError } from '../errors.ts'
import { agentMigrationGuard } from '../migrate/gateway-guard.ts'
import { buildAuthView } from '../runtime/build-view.ts'
import type { CredentialStore } from '../store/credential-store.ts'
import type { SessionRecord } from '../store/session-repo.ts'

export interface ViewContext {
  config: AuthView['config']
  env: AuthView['env']
  refState?: AuthView['refState']
  refValue?: AuthView['refValue']
}

export interface FailureRecord {
  reason: FailureClass
  model?: string
  now: number
  retryAfterMs?: number
  /** When the failed request left (see FailureInput.sentAt). */
  sentAt?: number
}

export class AgentState {
  readonly agentId: string
  readonly store: CredentialStore
  readonly parent: AgentState | undefined
  private cached: AuthView | undefined
  private seenVersion: number
  /** profileId -> latest successful use not yet written. */
  private readonly pendingUsed = new Map<string, { at: number; provider: string }>()
  private readonly sessions = new Map<string, SessionRecord | null>()
  private readonly pendingSessions = new Map<string, SessionRecord | null>()
  private readonly pendingFailures: { profileId: string; f: FailureRecord }[] = []
  private failureFlushQueued = false
  /** AUTH_PROFILE_MIGRATION_REQUIRED while legacy credential files wait for doctor --fix. */
  migrationError: OpenclawError | undefined

  constructor(agentId: string, store: CredentialStore, parent?: AgentState) {
    this.agentId = agentId
    this.store = store
    this.parent = parent
    this.seenVersion = store.revision()
  }

  view(ctx: ViewContext): AuthView {
    if (this.cached && this.cached.config === ctx.config && this.cached.env === ctx.env) return this.cached
    // A rebuild reads the stores: failures still queued in memory must be in them first.
    this.parent?.flushFailures()
    this.flushFailures()
    const own = this.store.snapshot()
    const parentSnap = this.parent
      ? { agentId: this.parent.agentId, snapshot: this.parent.store.snapshot() }
      : undefined
    const view = buildAuthView({
      agentId: this.agentId,
      storePath: this.store.path,
      own,
      ...(parentSnap ? { parent: parentSnap } : {}),
      ...ctx,
    })
    // Unflushed successes still count for round-robin ordering.
    const states = view.states as Map<string, ProfileState>
    for (const a of [this, this.parent]) {
      if (!a) continue
      for (const [id, use] of a.pendingUsed) {
        if (view.owners.get(id) !== a.agentId) continue
        const st = states.get(id) ?? emptyProfileState(id)
        states.set(id, { ...st, lastUsed: Math.max(st.lastUsed ?? 0, use.at) })
      }
    }
    this.cached = view
    return view
  }

  /** Re-evaluated off the request path (gateway poll tick): the check may stat legacy files. */
  refreshMigrationGuard(stateDir: string, defaultAgentId: string, ctx: ViewContext): void {
    const view = this.view(ctx)
    const count = (agentId: string) => view.profiles.filter((p) => view.owners.get(p.id) === agentId).length
    this.migrationError = agentMigrationGuard({
      stateDir,
      agentId: this.agentId,
      agentDir: path.dirname(this.store.path),
      defaultAgentId,
      ownProfileCount: count(this.agentId),
      ...(this.parent ? { parentProfileCount: count(this.parent.agentId) } : {}),
    })
  }

  invalidate(): void {
    this.cached = undefined
  }

  /** True when another process committed to this store (or the parent's) since we last looked. */
  pollExternalChange(): boolean {
    const v = this.store.revision()
    const changed = v !== this.seenVersion
    this.seenVersion = v
    const parentChanged = this.parent ? this.parent.pollExternalChange() : false
    if (changed) this.sessions.clear()
    if (changed || parentChanged) this.invalidate()
    return changed || parentChanged
  }

  ownerOf(profileId: string): AgentState | undefined {
    const owner = this.cached?.owners.get(profileId)
    if (owner === this.agentId) return this
    if (owner && this.parent?.agentId === owner) return this.parent
    if (this.store.getProfile(profileId)) return this
    return this.parent?.store.getProfile(profileId) ? this.parent : undefined
  }

  /**
   * Failure path. The cooldown takes effect in this process at once (the cached views of the
   * owner and of this agent are updated in place), and is written to the owner's store before
   * the event loop's next turn, every failure of this turn in one transaction: during a 429
   * storm one fsync per failure blocked the loop long enough for concurrent requests to keep
   * calling keys that had already answered 429.
   */
  recordFailure(profileId: string, f: FailureRecord): ProfileState | undefined {
    if (f.reason === 'format') return undefined
    const owner = this.ownerOf(profileId) ?? this
    const next = owner.queueFailure(profileId, f)
    if (owner !== this) this.cachedStates()?.set(profileId, next)
    return next
  }

  /**
   * Failure of an env or config key (key-state-id.ts). Those keys belong to the process, not to
   * an agent, so their state lives in the root store (the default agent's, which every other
   * agent reads through); written by the same coalesced flush as profile failures.
   */
  recordKeyFailure(stateId: string, f: FailureRecord): ProfileState | undefined {
    if (f.reason === 'format') return undefined
    const owner = this.parent ?? this
    const next = owner.queueFailure(stateId, f)
    if (owner !== this) this.cachedStates()?.set(stateId, next)
    return next
  }

  private queueFailure(profileId: string, f: FailureRecord): ProfileState {
    const states = this.cachedStates()
    const prev = states?.get(profileId) ?? this.store.getState(profileId)
    const next = recordFailure(prev, f)
    states?.set(profileId, next)
    this.pendingFailures.push({ profileId, f })
    if (!this.failureFlushQueued) {
      this.failureFlushQueued = true
      setImmediate(() => this.flushFailures())
    }
    return next
  }

  /** Writes queued failures (merged with whatever other processes wrote meanwhile). */
  flushFailures(): void {
    this.failureFlushQueued = false
    if (this.pendingFailures.length === 0) return
    const list = this.pendingFailures.splice(0)
    const external = this.store.revision() !== this.seenVersion
    this.store.batchBookkeeping(() => {
      for (const { profileId, f } of list) this.store.updateState(profileId, (prev) => recordFailure(prev, f))
    })
    this.seenVersion = this.store.revision()
    // Another process wrote too: rebuild from the merged rows on next use.
    if (external) this.invalidate()
  }

  private cachedStates(): Map<string, ProfileState> | undefined {
    return this.cached?.states as Map<string, ProfileState> | undefined
  }

  /** Success path: memory only. */
  noteSuccess(profileId: string, provider: string, now: number): void {
    const owner = this.ownerOf(profileId) ?? this
    const pending = owner.pendingUsed.get(profileId)
    if (pending) {
      // The same profile again before the next flush: update in place, no new entry.
      pending.at = now
      pending.provider = provider
    } else owner.pendingUsed.set(profileId, { at: now, provider })
    const states = this.cached?.states as Map<string, ProfileState> | undefined
    if (!states) return
    const st = states.get(profileId)
    // In place: the state objects of a cached view belong to it alone, and a spread per
    // success measured on the request path.
    if (st) st.lastUsed = now
    else {
      const fresh = emptyProfileState(profileId)
      fresh.lastUsed = now
      states.set(profileId, fresh)
    }
  }

  getSession(key: string): SessionRecord | undefined {
    if (this.pendingSessions.has(key)) return this.pendingSessions.get(key) ?? undefined
    if (!this.sessions.has(key)) this.sessions.set(key, this.store.getSession(key) ?? null)
    return this.sessions.get(key) ?? undefined
  }

  setSession(key: string, record: SessionRecord | null): void {
    this.sessions.set(key, record)
    this.pendingSessions.set(key, record)
  }

  listSessions(): SessionRecord[] {
    this.flush()
    return this.store.listSessions()
  }

  hasPending(): boolean {
    return this.pendingUsed.size > 0 || this.pendingSessions.size > 0 || this.pendingFailures.length > 0
  }

  /** Writes queued bookkeeping in one transaction; returns the number of rows touched. */
  flush(): number {
    this.flushFailures()
    if (!this.hasPending()) return 0
    const used = [...this.pendingUsed]
    const sessions = [...this.pendingSessions]
    this.pendingUsed.clear()
    this.pendingSessions.clear()
    this.store.batchBookkeeping(() => {
      for (const [id, use] of used) {
        this.store.updateState(id, (prev) => ({
          ...prev,
          lastUsed: Math.max(prev.lastUsed ?? 0, use.at),
          lastGoodAt: Math.max(prev.lastGoodAt ?? 0, use.at),
        }))
        this.store.setLastGood(use.provider, id, use.at)
      }
      for (const [key, rec] of sessions) {
        if (rec) this.store.putSession(rec)
        else this.store.deleteSession(key)
      }
    })
    // Our own flush moved the revision; the cached view already has these rows.
    this.seenVersion = this.store.revision()
    return used.length + sessions.length
  }
}
