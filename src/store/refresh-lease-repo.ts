/**
 * The shared OAuth refresh coordination database (`<state>/state/oauth-refresh.sqlite`):
 * leases keyed by upstream identity, and the settlement log of spent refresh tokens.
 *
 * Agents keep separate store files, so a lease in any one of them could not serialise two
 * agents that hold copies of the same account's tokens (OpenClaw #26322). One small shared
 * file does. It never holds token material: keys are hashes, settlements point at the store
 * and profile that now own the live credential.
 */
import os from 'node:os'
import path from 'node:path'
import { type Db, openDatabase } from './db.ts'
import { toStoreError } from './sqlite-errors.ts'

export const LEASE_DB_RELATIVE = path.join('state', 'oauth-refresh.sqlite')

export function leaseDbPath(stateDir: string): string {
  return path.join(stateDir, LEASE_DB_RELATIVE)
}

export interface LeaseRow {
  key: string
  label: string
  owner: string
  pid: number
  host: string
  acquiredAt: number
  expiresAt: number
}

export interface Settlement {
  spentHash: string
  leaseKey: string
  storePath: string
  profileId: string
  generation: number
  settledAt: number
}

export interface AcquireRequest {
  key: string
  label: string
  owner: string
  now: number
  ttlMs: number
  /** Same-host liveness of a holder's pid; a dead holder's lease is taken over at once. */
  isAlive?: (pid: number) => boolean
}

export type AcquireResult = { acquired: true; lease: LeaseRow } | { acquired: false; holder: LeaseRow }

interface RawLease {
  lease_key: string
  label: string
  owner: string
  pid: number
  host: string
  acquired_at: number
  expires_at: number
}

interface RawSettlement {
  spent_hash: string
  lease_key: string
  store_path: string
  profile_id: string
  generation: number
  settled_at: number
}

const HOST = os.hostname()

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class RefreshLeaseDb {
  readonly path: string
  private readonly db: Db

  private constructor(p: string, db: Db) {
    this.path = p
    this.db = db
  }

  /** Throws an OpenclawError (store_readonly, store_corrupt, ...) naming the path when it cannot open. */
  static open(stateDir: string): RefreshLeaseDb {
    const p = leaseDbPath(stateDir)
    return new RefreshLeaseDb(p, openDatabase(p))
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  get(key: string): LeaseRow | undefined {
    return this.run(() => {
      const row = this.db
        .prepare<[string], RawLease>('SELECT * FROM refresh_leases WHERE lease_key = ?')
        .get(key)
      return row ? decodeLease(row) : undefined
    })
  }

  /** Takes the lease when free, expired, or held by a dead process on this host. */
  tryAcquire(req: AcquireRequest): AcquireResult {
    const alive = req.isAlive ?? pidAlive
    return this.write(() => {
      const prev = this.db
        .prepare<[string], RawLease>('SELECT * FROM refresh_leases WHERE lease_key = ?')
        .get(req.key)
      if (prev) {
        const holder = decodeLease(prev)
        const stale =
          holder.expiresAt <= req.now ||
          (holder.host === HOST && holder.pid !== process.pid && !alive(holder.pid))
        if (!stale) return { acquired: false, holder }
      }
      const lease: LeaseRow = {
        key: req.key,
        label: req.label,
        owner: req.owner,
        pid: process.pid,
        host: HOST,
        acquiredAt: req.now,
        expiresAt: req.now + req.ttlMs,
      }
      this.db
        .prepare(
          `INSERT OR REPLACE INTO refresh_leases (lease_key, label, owner, pid, host, acquired_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(lease.key, lease.label, lease.owner, lease.pid, lease.host, lease.acquiredAt, lease.expiresAt)
      return { acquired: true, lease }
    })
  }

  /** Deletes the lease only if `owner` still holds it (a taken-over lease is not ours to drop). */
  release(key: string, owner: string): boolean {
    return this.write(
      () =>
        this.db.prepare('DELETE FROM refresh_leases WHERE lease_key = ? AND owner = ?').run(key, owner)
          .changes > 0,
    )
  }

  recordSettlement(s: Settlement): void {
    this.write(() => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO refresh_settlements
             (spent_hash, lease_key, store_path, profile_id, generation, settled_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(s.spentHash, s.leaseKey, s.storePath, s.profileId, s.generation, s.settledAt)
    })
  }

  findSettlement(spentHash: string): Settlement | undefined {
    return this.run(() => {
      const r = this.db
        .prepare<[string], RawSettlement>('SELECT * FROM refresh_settlements WHERE spent_hash = ?')
        .get(spentHash)
      return r
        ? {
            spentHash: r.spent_hash,
            leaseKey: r.lease_key,
            storePath: r.store_path,
            profileId: r.profile_id,
            generation: r.generation,
            settledAt: r.settled_at,
          }
        : undefined
    })
  }

  /** Old settlements only matter while stale copies may still be around; bounded table. */
  pruneSettlements(olderThan: number): number {
    return this.write(
      () => this.db.prepare('DELETE FROM refresh_settlements WHERE settled_at < ?').run(olderThan).changes,
    )
  }

  private run<T>(fn: () => T): T {
    try {
      return fn()
    } catch (err) {
      throw toStoreError(err, { path: this.path })
    }
  }

  private write<T>(fn: () => T): T {
    return this.run(() => this.db.transaction(fn).immediate())
  }
}

function decodeLease(r: RawLease): LeaseRow {
  return {
    key: r.lease_key,
    label: r.label,
    owner: r.owner,
    pid: r.pid,
    host: r.host,
    acquiredAt: r.acquired_at,
    expiresAt: r.expires_at,
  }
}
