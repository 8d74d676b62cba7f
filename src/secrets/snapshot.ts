/**
 * The result of one resolution pass (auth-spec 2.7): ref -> value or failure. Built at
 * activation; the request path only reads it. The values are held in a private map and the
 * object serialises and inspects to counts only, so logging a snapshot cannot leak a secret.
 */
import { inspect } from 'node:util'
import type { SecretRef } from '../auth/types.ts'
import { formatRef, refKey } from './ref.ts'

/** `invalid`: the ref or its provider config is wrong. `unresolved`: the lookup failed. */
export type RefFailureCode = 'secret_ref_invalid' | 'secret_ref_unresolved'

export type RefResult = { ok: true; value: string } | { ok: false; code: RefFailureCode; message: string }

export type RefFailure = Extract<RefResult, { ok: false }>

export function failure(code: RefFailureCode, message: string): RefFailure {
  return { ok: false, code, message }
}

/** What AgentRuntime.view() adds on top of AuthView so reports can say why a ref failed. */
export interface RefErrorLookup {
  refError?: (ref: SecretRef) => string | undefined
}

export class SecretsSnapshot {
  readonly resolvedAt: number
  readonly #results = new Map<string, { ref: SecretRef; result: RefResult }>()

  constructor(entries: Iterable<[SecretRef, RefResult]>, resolvedAt: number = Date.now()) {
    this.resolvedAt = resolvedAt
    for (const [ref, result] of entries) this.#results.set(refKey(ref), { ref, result })
  }

  static empty(): SecretsSnapshot {
    return new SecretsSnapshot([])
  }

  has(ref: SecretRef): boolean {
    return this.#results.has(refKey(ref))
  }

  result(ref: SecretRef): RefResult | undefined {
    return this.#results.get(refKey(ref))?.result
  }

  /** Refs this pass did not look at are `unknown` (never blocking), not `unresolved`. */
  state(ref: SecretRef): 'resolved' | 'unresolved' | 'unknown' {
    const r = this.result(ref)
    return r === undefined ? 'unknown' : r.ok ? 'resolved' : 'unresolved'
  }

  value(ref: SecretRef): string | undefined {
    const r = this.result(ref)
    return r?.ok ? r.value : undefined
  }

  error(ref: SecretRef): RefFailure | undefined {
    const r = this.result(ref)
    return r && !r.ok ? r : undefined
  }

  /** Every ref and its outcome, values omitted (for reports). */
  outcomes(): Array<{ ref: SecretRef; ok: boolean; code?: RefFailureCode; message?: string }> {
    return [...this.#results.values()].map(({ ref, result }) =>
      result.ok ? { ref, ok: true } : { ref, ok: false, code: result.code, message: result.message },
    )
  }

  /** Resolved values, for exact-value redaction of logs and error text. */
  secretValues(): string[] {
    const out: string[] = []
    for (const { result } of this.#results.values()) if (result.ok) out.push(result.value)
    return out
  }

  /** A new snapshot with `other`'s entries replacing ours. */
  merge(other: SecretsSnapshot): SecretsSnapshot {
    const entries: Array<[SecretRef, RefResult]> = []
    for (const { ref, result } of this.#results.values()) entries.push([ref, result])
    for (const { ref, result } of other.#results.values()) entries.push([ref, result])
    return new SecretsSnapshot(entries, other.resolvedAt)
  }

  toJSON(): Record<string, unknown> {
    const all = this.outcomes()
    return {
      resolvedAt: this.resolvedAt,
      resolved: all.filter((o) => o.ok).length,
      failed: all
        .filter((o) => !o.ok)
        .map((o) => ({ ref: formatRef(o.ref), code: o.code, message: o.message })),
    }
  }

  [inspect.custom](): string {
    return `SecretsSnapshot ${JSON.stringify(this.toJSON())}`
  }
}

/** The AuthView hooks (`refState`, `refValue`, `refError`) backed by one snapshot. */
export function viewHooks(snapshot: SecretsSnapshot): Required<RefErrorLookup> & {
  refState: (ref: SecretRef) => 'resolved' | 'unresolved' | 'unknown'
  refValue: (ref: SecretRef) => string | undefined
} {
  return {
    refState: (ref) => snapshot.state(ref),
    refValue: (ref) => snapshot.value(ref),
    refError: (ref) => snapshot.error(ref)?.message,
  }
}
