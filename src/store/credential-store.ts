/**
 * Per-agent credential store (`<agentDir>/openclaw-agent.sqlite`). One row per profile, routing
 * state in its own tables, and every read-modify-write inside BEGIN IMMEDIATE so concurrent CLI
 * and gateway processes serialise on the write lock instead of failing with "database is locked".
 */
import {
  type Clock,
  type Credential,
  type OAuthRefreshMarker,
  type ProfileState,
  type StoredProfile,
  systemClock,
} from '../auth/types.ts'
import { type Db, openDatabase } from './db.ts'
import * as oauthState from './oauth-state-repo.ts'
import { captureRows, type ProfileCapture, restoreRows } from './profile-capture.ts'
import {
  type CooldownRow,
  decodeProfile,
  decodeState,
  encodeCooldown,
  encodeCredential,
  encodeState,
} from './row-codec.ts'
import type { SessionRecord } from './session-repo.ts'
import * as sessions from './session-repo.ts'
import { type StoreErrorContext, toStoreError } from './sqlite-errors.ts'
import { type OverrideRow, prepareStatements, type Statements } from './statements.ts'

export interface StoreSnapshot {
  profiles: StoredProfile[]
  states: Map<string, ProfileState>
  orderOverrides: Record<string, string[]>
  lastGood: Record<string, { profileId: string; at: number }>
}

export interface CredentialStoreOptions {
  /** Never creates the file or its directory; a missing store reads as empty and refuses writes. */
  readonly?: boolean
  busyTimeoutMs?: number
  clock?: Clock
}

export class CredentialStore {
  readonly path: string
  private readonly db: Db
  private readonly q: Statements
  private readonly clock: Clock
  private readonly ctx: StoreErrorContext

  private constructor(path: string, db: Db, opts: CredentialStoreOptions) {
    this.path = path
    this.db = db
    this.clock = opts.clock ?? systemClock
    this.ctx = { path, readonly: opts.readonly ?? false }
    this.q = this.run(() => prepareStatements(db))
  }

  static open(path: string, opts: CredentialStoreOptions = {}): CredentialStore {
    const db = openDatabase(path, opts)
    try {
      return new CredentialStore(path, db, opts)
    } catch (err) {
      db.close()
      throw err
    }
  }

  /** Opened with `readonly: true` (status paths); such a store must never be refreshed into. */
  get isReadonly(): boolean {
    return this.ctx.readonly === true
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  listProfiles(): StoredProfile[] {
    return this.run(() => this.q.listProfiles.all().map(decodeProfile))
  }

  getProfile(id: string): StoredProfile | undefined {
    return this.run(() => {
      const row = this.q.getProfile.get(id)
      return row === undefined ? undefined : decodeProfile(row)
    })
  }

  /** Insert or replace. New secret material starts healthy: it must not inherit the old key's disable. */
  upsertProfile(id: string, credential: Credential): StoredProfile {
    return this.write(() => {
      const prev = this.q.getProfile.get(id)
      const next = this.putProfile(id, credential, prev)
      if (prev === undefined || prev.secret_json !== next.secret_json || prev.type !== next.type) {
        this.q.deleteCooldowns.run(id)
        this.q.clearDisabled.run(id)
      }
      return decodeProfile(next)
    })
  }

  /**
   * Writes only when the stored generation still equals `expectedGeneration` (0 = "must not exist
   * yet"). This is the OAuth-refresh path, so routing state is left alone: a refreshed token of a
   * rate-limited account is still rate-limited.
   */
  compareAndSetProfile(
    id: string,
    expectedGeneration: number,
    credential: Credential,
  ): StoredProfile | undefined {
    return this.write(() => {
      const prev = this.q.getProfile.get(id)
      if ((prev?.generation ?? 0) !== expectedGeneration) return undefined
      return decodeProfile(this.putProfile(id, credential, prev))
    })
  }

  /** Returns whether the credential row existed; its state, cooldowns and order mentions go regardless. */
  deleteProfile(id: string): boolean {
    return this.write(() => {
      const existed = this.q.deleteProfile.run(id).changes > 0
      this.q.deleteState.run(id)
      this.q.deleteCooldowns.run(id)
      this.q.deleteLastGoodFor.run(id)
      oauthState.deleteMarker(this.db, id)
      for (const row of this.q.listOverrides.all()) {
        const ids = parseIds(row)
        if (!ids.includes(id)) continue
        this.putOverride(
          row.provider,
          ids.filter((x) => x !== id),
        )
      }
      return existed
    })
  }

  getState(id: string): ProfileState {
    return this.read(() => this.loadState(id))
  }

  listStates(): Map<string, ProfileState> {
    return this.read(() => this.loadStates())
  }

  /** The whole read-modify-write holds the write lock, so concurrent updaters never lose an increment. */
  updateState(id: string, fn: (prev: ProfileState) => ProfileState): ProfileState {
    return this.write(() => {
      const next = fn(this.loadState(id))
      this.q.putState.run(encodeState(id, next))
      this.q.deleteCooldowns.run(id)
      for (const c of next.cooldowns) this.q.putCooldown.run(encodeCooldown(id, c))
      return this.loadState(id)
    })
  }

  clearCooldowns(id: string): { clearedCooldowns: number; clearedDisabled: boolean } {
    return this.write(() => ({
      clearedCooldowns: this.q.deleteCooldowns.run(id).changes,
      clearedDisabled: this.q.clearDisabled.run(id).changes > 0,
    }))
  }

  getOrderOverride(provider: string): string[] | undefined {
    return this.run(() => {
      const row = this.q.getOverride.get(provider)
      return row === undefined ? undefined : parseIds(row)
    })
  }

  /** Duplicates are dropped (first position wins); an empty list clears the override. */
  setOrderOverride(provider: string, profileIds: string[]): void {
    this.write(() => this.putOverride(provider, profileIds))
  }

  clearOrderOverride(provider: string): boolean {
    return this.write(() => this.q.deleteOverride.run(provider).changes > 0)
  }

  setLastGood(provider: string, profileId: string, at: number): void {
    this.write(() => this.q.putLastGood.run({ provider, profile_id: profileId, at }))
  }

  snapshot(): StoreSnapshot {
    return this.read(() => ({
      profiles: this.q.listProfiles.all().map(decodeProfile),
      states: this.loadStates(),
      orderOverrides: Object.fromEntries(this.q.listOverrides.all().map((r) => [r.provider, parseIds(r)])),
      lastGood: Object.fromEntries(
        this.q.listLastGood.all().map((r) => [r.provider, { profileId: r.profile_id, at: r.at }]),
      ),
    }))
  }

  /**
   * A counter bumped inside every write transaction of any CredentialStore connection. Read
   * with a real query, so a long-lived process polls it reliably; our own writes move it too.
   */
  revision(): number {
    return this.run(() => {
      const row = this.q.revision.get()
      return row ? Number(row.value) : 0
    })
  }

  /** Changes whenever another connection commits (not on this connection's own writes). */
  dataVersion(): number {
    return this.run(() => Number(this.db.pragma('data_version', { simple: true })))
  }

  getSession(key: string): SessionRecord | undefined {
    return this.run(() => sessions.getSession(this.db, key))
  }

  listSessions(): SessionRecord[] {
    return this.run(() => sessions.listSessions(this.db))
  }

  putSession(record: SessionRecord): void {
    this.write(() => sessions.putSession(this.db, record))
  }

  deleteSession(key: string): boolean {
    return this.write(() => sessions.deleteSession(this.db, key))
  }

  /** Last recorded OAuth refresh failure of a profile (any generation; callers compare). */
  getOAuthRefreshMarker(id: string): OAuthRefreshMarker | undefined {
    return this.run(() => oauthState.getMarker(this.db, id))
  }

  setOAuthRefreshMarker(id: string, marker: OAuthRefreshMarker): void {
    this.write(() => oauthState.putMarker(this.db, id, marker))
  }

  clearOAuthRefreshMarker(id: string): boolean {
    return this.write(() => oauthState.deleteMarker(this.db, id))
  }

  /** Everything a save of `id` may change, for `restoreProfile` (read in one snapshot). */
  captureProfile(id: string): ProfileCapture {
    return this.read(() => captureRows(this.db, this.q, id))
  }

  /**
   * Undoes a save: the profile's credential, state, cooldowns and OAuth marker become exactly
   * what `captureProfile` saw (absent if they were absent), in one transaction.
   */
  restoreProfile(capture: ProfileCapture): void {
    this.write(() => restoreRows(this.db, this.q, capture))
  }

  /** Several writes, one BEGIN IMMEDIATE; store methods called inside nest as savepoints. */
  batch<T>(fn: () => T): T {
    return this.write(fn)
  }

  /**
   * A batch of routing bookkeeping only (last use, session pins, cooldowns): committed without
   * waiting for an fsync (`synchronous = NORMAL` for this transaction; the store stays FULL for
   * everything else). In WAL mode that can lose the last such commits on a power cut, never
   * corrupt the store, and a lost `lastUsed` or cooldown only changes which key goes next. The
   * gateway writes these on its event loop, where a per-commit fsync stalled requests.
   */
  batchBookkeeping<T>(fn: () => T): T {
    this.db.pragma('synchronous = NORMAL')
    try {
      return this.write(fn)
    } finally {
      this.db.pragma('synchronous = FULL')
    }
  }

  private putProfile(
    id: string,
    credential: Credential,
    prev: { created_at: number; generation: number } | undefined,
  ) {
    const now = this.clock()
    const row = {
      profile_id: id,
      ...encodeCredential(id, credential),
      created_at: prev?.created_at ?? now,
      updated_at: now,
      generation: (prev?.generation ?? 0) + 1,
    }
    this.q.putProfile.run(row)
    return row
  }

  private putOverride(provider: string, profileIds: string[]): void {
    const ids = [...new Set(profileIds)]
    if (ids.length === 0) {
      this.q.deleteOverride.run(provider)
      return
    }
    this.q.putOverride.run({ provider, profile_ids_json: JSON.stringify(ids), updated_at: this.clock() })
  }

  private loadState(id: string): ProfileState {
    return withMarker(
      decodeState(this.q.getState.get(id), this.q.cooldownsFor.all(id), id),
      oauthState.getMarker(this.db, id),
    )
  }

  private loadStates(): Map<string, ProfileState> {
    const rows = new Map(this.q.listStates.all().map((r) => [r.profile_id, r]))
    const cooldowns = new Map<string, CooldownRow[]>()
    for (const c of this.q.listCooldowns.all()) {
      const list = cooldowns.get(c.profile_id)
      if (list) list.push(c)
      else cooldowns.set(c.profile_id, [c])
    }
    const markers = oauthState.listMarkers(this.db)
    const ids = [...new Set([...rows.keys(), ...cooldowns.keys(), ...markers.keys()])].sort()
    return new Map(
      ids.map((id) => [
        id,
        withMarker(decodeState(rows.get(id), cooldowns.get(id) ?? [], id), markers.get(id)),
      ]),
    )
  }

  private run<T>(fn: () => T): T {
    try {
      return fn()
    } catch (err) {
      throw toStoreError(err, this.ctx)
    }
  }

  private read<T>(fn: () => T): T {
    return this.run(() => this.db.transaction(fn).deferred())
  }

  private write<T>(fn: () => T): T {
    return this.run(() =>
      this.db
        .transaction(() => {
          const result = fn()
          this.db
            .prepare(
              "INSERT INTO store_meta(key, value) VALUES ('revision', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
            )
            .run()
          return result
        })
        .immediate(),
    )
  }
}

function withMarker(state: ProfileState, marker: OAuthRefreshMarker | undefined): ProfileState {
  return marker === undefined ? state : { ...state, oauthRefresh: marker }
}

function parseIds(row: OverrideRow): string[] {
  try {
    const v: unknown = JSON.parse(row.profile_ids_json)
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}
