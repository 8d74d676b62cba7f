/**
 * Failed-auth limiter per client address (OpenClaw defaults: 10 failures in 60 s lock the
 * address out for 5 min). Only wrong credentials count; missing ones do not. Memory is
 * bounded: when full, the oldest unlocked entries are evicted first, so an attacker cannot
 * flush their own lockout by spraying addresses. Pure apart from the injected clock.
 */
export interface LimiterOptions {
  maxAttempts: number
  windowMs: number
  lockoutMs: number
  maxEntries: number
}

export const DEFAULT_LIMITER: LimiterOptions = {
  maxAttempts: 10,
  windowMs: 60_000,
  lockoutMs: 300_000,
  maxEntries: 10_000,
}

interface Entry {
  failures: number[]
  lockedUntil: number
}

export class FailedAuthLimiter {
  private readonly entries = new Map<string, Entry>()
  readonly opts: LimiterOptions

  constructor(opts: Partial<LimiterOptions> = {}) {
    this.opts = { ...DEFAULT_LIMITER, ...opts }
  }

  /** Milliseconds until this address may try again; 0 when it is not locked out. */
  blockedFor(key: string, now: number): number {
    const e = this.entries.get(key)
    return e && e.lockedUntil > now ? e.lockedUntil - now : 0
  }

  /** Records a wrong credential; returns the lockout remaining (0 when not locked yet). */
  fail(key: string, now: number): number {
    let e = this.entries.get(key)
    if (!e) {
      this.makeRoom(now)
      e = { failures: [], lockedUntil: 0 }
    } else {
      this.entries.delete(key) // re-insert: Map order doubles as LRU order
    }
    e.failures = e.failures.filter((t) => now - t < this.opts.windowMs)
    e.failures.push(now)
    if (e.failures.length >= this.opts.maxAttempts && e.lockedUntil <= now) {
      e.lockedUntil = now + this.opts.lockoutMs
      e.failures = []
    }
    this.entries.set(key, e)
    return this.blockedFor(key, now)
  }

  succeed(key: string, now: number): void {
    const e = this.entries.get(key)
    if (e && e.lockedUntil <= now) this.entries.delete(key)
  }

  get size(): number {
    return this.entries.size
  }

  private makeRoom(now: number): void {
    if (this.entries.size < this.opts.maxEntries) return
    for (const [k, e] of this.entries) {
      if (e.lockedUntil <= now) {
        this.entries.delete(k)
        if (this.entries.size < this.opts.maxEntries) return
      }
    }
    // Everything is locked: refuse to grow; the oldest lockout is dropped last of all.
    const oldest = this.entries.keys().next().value
    if (oldest !== undefined) this.entries.delete(oldest)
  }
}
