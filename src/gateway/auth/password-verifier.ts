/**
 * Checks presented passwords against the stored scrypt hash without letting scrypt become a
 * per-request cost or a CPU lever (F-14):
 *
 * - Only one value verifies against a hash, so once a client has proven the password its HMAC
 *   digest (per-process random key, like secret-match.ts) is kept and every later request,
 *   right or wrong, is one HMAC + timingSafeEqual: the token path exactly, no scrypt at all.
 * - Until then each distinct presented value costs one scrypt; identical values presented
 *   concurrently (a client's first burst) share one run.
 * - At most `maxConcurrent` scrypt runs at a time and `maxPending` distinct values waiting;
 *   beyond that the answer is "busy" (the caller says 503 + Retry-After) instead of queueing
 *   without bound. The failed-auth limiter still counts every wrong value per address.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { type PasswordHash, verifyPasswordHash } from './password-hash.ts'

export type VerifyOutcome = 'match' | 'mismatch' | 'busy'

export interface VerifierOptions {
  maxConcurrent?: number
  maxPending?: number
  /** Injected for tests; the real one runs scrypt on the libuv pool. */
  verify?: (h: PasswordHash, presented: string) => Promise<boolean>
}

export class PasswordVerifier {
  /** The config string this verifier was built from: a reload with the same hash keeps it. */
  readonly encoded: string
  private readonly parsed: PasswordHash
  private readonly key = randomBytes(32)
  private proven: Buffer | undefined
  private readonly inflight = new Map<string, Promise<VerifyOutcome>>()
  private running = 0
  private readonly waiting: Array<() => void> = []
  private readonly maxConcurrent: number
  private readonly maxPending: number
  private readonly run: (h: PasswordHash, presented: string) => Promise<boolean>
  /** scrypt runs started (tests assert the cache works through it). */
  scryptRuns = 0

  constructor(encoded: string, parsed: PasswordHash, opts: VerifierOptions = {}) {
    this.encoded = encoded
    this.parsed = parsed
    this.maxConcurrent = opts.maxConcurrent ?? 1
    this.maxPending = opts.maxPending ?? 16
    this.run = opts.verify ?? verifyPasswordHash
  }

  /** The answer without scrypt when there is one: false for empty, else only once proven. */
  quick(presented: string): boolean | undefined {
    if (presented.length === 0) return false
    if (!this.proven) return undefined
    return timingSafeEqual(this.digest(presented), this.proven)
  }

  verify(presented: string): Promise<VerifyOutcome> {
    const q = this.quick(presented)
    if (q !== undefined) return Promise.resolve(q ? 'match' : 'mismatch')
    const d = this.digest(presented)
    const id = d.toString('hex')
    const same = this.inflight.get(id)
    if (same) return same
    if (this.inflight.size >= this.maxPending) return Promise.resolve('busy')
    // A scrypt failure (out of memory) is not a wrong password: never counted, never a match.
    const p = this.verifyQueued(presented, d)
      .catch((): VerifyOutcome => 'busy')
      .finally(() => this.inflight.delete(id))
    this.inflight.set(id, p)
    return p
  }

  private async verifyQueued(presented: string, d: Buffer): Promise<VerifyOutcome> {
    if (this.running >= this.maxConcurrent) await new Promise<void>((r) => this.waiting.push(r))
    this.running++
    try {
      // Someone may have proven the password while this value waited.
      if (this.proven) return timingSafeEqual(d, this.proven) ? 'match' : 'mismatch'
      this.scryptRuns++
      const ok = await this.run(this.parsed, presented)
      if (ok) this.proven = d
      return ok ? 'match' : 'mismatch'
    } finally {
      this.running--
      this.waiting.shift()?.()
    }
  }

  private digest(presented: string): Buffer {
    return createHmac('sha256', this.key).update(presented, 'utf8').digest()
  }
}
