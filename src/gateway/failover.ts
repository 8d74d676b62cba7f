/**
 * The failover loop (auth-spec 2.3, 6.1, 6.2; seeds "API key rotation"): for each model in the
 * chain, try every usable profile in order, recording each failure; where a provider has no
 * profile, env keys rotate only on rate-limit (and billing) errors; then the next fallback
 * model. `format` errors and client errors end the request at once and cool nothing. No HTTP
 * here: the caller injects `attempt`, so the loop is tested directly.
 */
import type { Classification } from '../auth/classify.ts'
import type { Candidate, ResolvedAuth } from '../auth/resolve.ts'
import type { FailureClass } from '../auth/types.ts'
import type { AbortLike } from '../util/abort-like.ts'

export interface ChainEntry {
  provider: string
  model: string
  /** Pin: resolve exactly this profile (request `@profileId`), no rotation. */
  profileId?: string
}

export type AttemptOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; classification: Classification; status?: number; clientError?: boolean }

export interface AttemptRecord {
  provider: string
  model: string
  source: string
  profileId?: string
  outcome: FailureClass | 'no_credentials' | 'skipped'
  reason?: string
  status?: number
  detail: string
  until?: number
}

export type FailoverResult<T> =
  | { ok: true; value: T; entry: ChainEntry; candidate: Candidate; attempts: AttemptRecord[] }
  | {
      ok: false
      attempts: AttemptRecord[]
      status: number
      errorType: ErrorKind
      message: string
      retryAfterMs?: number
      hint?: string
    }

export type ErrorKind =
  | 'rate_limit'
  | 'overloaded'
  | 'auth'
  | 'billing'
  | 'timeout'
  | 'model_not_found'
  | 'format'
  | 'no_credentials'
  | 'upstream'
  | 'aborted'

export interface FailoverHooks<T> {
  now(): number
  resolve(entry: ChainEntry): ResolvedAuth
  /**
   * The candidate's cooldown as of now. Candidate lists are computed once per model, but
   * concurrent requests cool keys meanwhile: without this re-check a request walking a stale
   * list would call a key another request just saw rate-limited.
   */
  currentlyUnusable?(entry: ChainEntry, c: Candidate): { until: number; reason: FailureClass } | undefined
  /** Live cooldown of an env or config key (its state row, as of now). */
  keyUnusable(
    entry: ChainEntry,
    c: Extract<Candidate, { kind: 'env' | 'config' }>,
  ): { until: number; reason: FailureClass } | undefined
  attempt(entry: ChainEntry, c: Candidate): Promise<AttemptOutcome<T>>
  /** Records the failure; returns when this candidate becomes usable again, if known. */
  onFailure(entry: ChainEntry, c: Candidate, cls: Classification): number | undefined
  onSuccess(entry: ChainEntry, c: Candidate): void
  signal?: AbortLike
}

const ENV_ROTATES: ReadonlySet<FailureClass> = new Set(['rate_limit', 'billing'])

export async function runFailover<T>(
  chain: readonly ChainEntry[],
  hooks: FailoverHooks<T>,
): Promise<FailoverResult<T>> {
  const attempts: AttemptRecord[] = []
  const untried: string[] = []
  let hint: string | undefined
  for (const entry of chain) {
    const resolved = hooks.resolve(entry)
    if (resolved.candidates.length === 0) {
      attempts.push({
        provider: entry.provider,
        model: entry.model,
        source: '-',
        outcome: 'no_credentials',
        detail: resolved.error?.message ?? `No credentials for provider "${entry.provider}".`,
      })
      hint ??= resolved.error?.hint
      continue
    }
    for (const [i, c] of resolved.candidates.entries()) {
      if (hooks.signal?.aborted) return finish(attempts, hooks.now(), 'aborted')
      const skipped = skipReason(entry, c, hooks) ?? nowCooling(entry, c, hooks)
      if (skipped) {
        attempts.push(skipped)
        continue
      }
      const out = await hooks.attempt(entry, c)
      if (out.ok) {
        hooks.onSuccess(entry, c)
        return { ok: true, value: out.value, entry, candidate: c, attempts }
      }
      const cls = out.classification
      // A client that went away says nothing about the credential: record nothing.
      if (hooks.signal?.aborted) return finish(attempts, hooks.now(), 'aborted')
      const until = hooks.onFailure(entry, c, cls)
      attempts.push({
        provider: entry.provider,
        model: entry.model,
        source: c.source,
        ...(c.kind === 'profile' ? { profileId: c.profileId } : {}),
        outcome: cls.reason,
        ...(out.status ? { status: out.status } : {}),
        // The disable still protects the provider, but "available in 600s" would be a lie to
        // a client whose only way out is a new login.
        ...(until !== undefined && !cls.waitingWontHelp ? { until } : {}),
        detail: cls.detail,
      })
      if (cls.hint) hint = cls.hint
      if (hooks.signal?.aborted) return finish(attempts, hooks.now(), 'aborted')
      if (cls.reason === 'format' || out.clientError)
        return finish(attempts, hooks.now(), undefined, hint, envLeft(resolved.candidates, i))
      if (cls.reason === 'model_not_found') break
      if (c.kind === 'env' && !ENV_ROTATES.has(cls.reason)) {
        untried.push(...envLeft(resolved.candidates, i))
        break
      }
      if (c.kind === 'config') break
    }
  }
  return finish(attempts, hooks.now(), undefined, hint, untried)
}

/** Env keys after position `i` that this request never sent. */
function envLeft(candidates: readonly Candidate[], i: number): string[] {
  const out: string[] = []
  for (let j = i + 1; j < candidates.length; j++) {
    const c = candidates[j]!
    if (c.kind === 'env') out.push(c.source)
  }
  return out
}

function nowCooling<T>(entry: ChainEntry, c: Candidate, hooks: FailoverHooks<T>): AttemptRecord | undefined {
  if (c.kind !== 'profile' || entry.profileId) return undefined
  const u = hooks.currentlyUnusable?.(entry, c)
  if (!u) return undefined
  return {
    provider: entry.provider,
    model: entry.model,
    source: c.source,
    profileId: c.profileId,
    outcome: 'skipped',
    reason: u.reason,
    until: u.until,
    detail: `${c.profileId} started cooling down during this request (${u.reason})`,
  }
}

function skipReason<T>(entry: ChainEntry, c: Candidate, hooks: FailoverHooks<T>): AttemptRecord | undefined {
  const base = { provider: entry.provider, model: entry.model, source: c.source }
  if (c.kind === 'profile') {
    if (!c.available && c.unusable && c.reauth) {
      // No `until`: "available in 600s" would send the client back to a login nobody made.
      return {
        ...base,
        profileId: c.profileId,
        outcome: 'skipped',
        reason: c.unusable.reason,
        detail: `${c.profileId} needs a new login (${c.reauth.reason}); run: ${c.reauth.command}`,
      }
    }
    if (!c.available && c.unusable) {
      return {
        ...base,
        profileId: c.profileId,
        outcome: 'skipped',
        reason: c.unusable.reason,
        until: c.unusable.until,
        detail: `${c.profileId} is ${c.unusable.scope === 'disabled' ? 'disabled' : 'cooling down'} (${c.unusable.reason})`,
      }
    }
    if (c.secret === undefined) {
      return {
        ...base,
        profileId: c.profileId,
        outcome: 'skipped',
        reason: 'unresolved_ref',
        detail: `${c.profileId} has no usable secret (unresolved_ref)`,
      }
    }
    return undefined
  }
  if (c.kind === 'env' || c.kind === 'config') {
    const u = hooks.keyUnusable(entry, c)
    if (u)
      return {
        ...base,
        outcome: 'skipped',
        reason: u.reason,
        until: u.until,
        detail: `${c.source} is cooling down (${u.reason})`,
      }
  }
  return undefined
}

/** The failure answer for attempts gathered across several loops (claude-cli models in a chain). */
export function failoverFailure<T>(attempts: AttemptRecord[], now: number, hint?: string): FailoverResult<T> {
  return finish(attempts, now, undefined, hint)
}

function finish<T>(
  attempts: AttemptRecord[],
  now: number,
  forced?: ErrorKind,
  hint?: string,
  untried: readonly string[] = [],
): FailoverResult<T> {
  const kinds = attempts.map((a) => (a.outcome === 'skipped' ? (a.reason ?? 'unknown') : a.outcome))
  const kind: ErrorKind = forced ?? summarize(kinds)
  const untils = attempts.map((a) => a.until).filter((u): u is number => u !== undefined && u > now)
  const soonest = untils.length ? Math.min(...untils) : undefined
  const parts = attempts.map(
    (a) => `${a.profileId ?? a.source}: ${a.outcome === 'skipped' ? `skipped, ${a.detail}` : a.detail}`,
  )
  const target = attempts[0] ? `${attempts[0].provider}/${attempts[0].model}` : 'the requested model'
  // "All credentials failed" would be false when env keys were left unsent (seeds: only rate
  // limits move to the next env key), so that case names what was tried and what was not.
  let message =
    kind === 'no_credentials' && attempts.length === 1
      ? attempts[0]!.detail
      : untried.length > 0
        ? `Request to ${target} failed (${kind}). Tried: ${parts.join('; ')}. Not tried: ${untried.join(', ')} (only rate-limit and billing errors move on to the next env key).`
        : `All credentials for ${target} failed (${kind}). Tried: ${parts.join('; ') || 'nothing'}.`
  if (soonest !== undefined) message += ` Soonest available in ${Math.ceil((soonest - now) / 1000)}s.`
  return {
    ok: false,
    attempts,
    status: STATUS[kind],
    errorType: kind,
    message,
    ...(soonest !== undefined ? { retryAfterMs: soonest - now } : {}),
    ...(hint ? { hint } : {}),
  }
}

const STATUS: Record<ErrorKind, number> = {
  rate_limit: 429,
  overloaded: 503,
  auth: 401,
  billing: 402,
  timeout: 504,
  model_not_found: 404,
  format: 400,
  no_credentials: 401,
  upstream: 502,
  aborted: 499,
}

/** One status for a mix of failures: the one that tells the client what to do next. */
export function summarize(kinds: readonly string[]): ErrorKind {
  const has = (k: string) => kinds.includes(k)
  if (kinds.length === 0) return 'no_credentials'
  if (has('format')) return 'format'
  if (has('rate_limit')) return 'rate_limit'
  if (has('overloaded')) return kinds.every((k) => k === 'overloaded') ? 'overloaded' : 'rate_limit'
  if (has('auth') || has('auth_permanent')) return 'auth'
  if (has('billing')) return 'billing'
  if (has('timeout')) return 'timeout'
  if (kinds.every((k) => k === 'model_not_found')) return 'model_not_found'
  if (kinds.every((k) => k === 'no_credentials' || k === 'unresolved_ref')) return 'no_credentials'
  return 'upstream'
}
