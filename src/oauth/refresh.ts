/**
 * `ensureFreshOAuth`: returns an access token that is good to send, refreshing it first when
 * it is inside the 5-minute margin. Across processes the refresh runs under a lease keyed by
 * the upstream account (refresh-under-lease.ts); a process that finds the lease taken polls the
 * store for the holder's outcome instead of calling the provider itself (security R1-R3).
 */
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { OAuthCredential, StoredProfile } from '../auth/types.ts'
import { OpenclawError } from '../errors.ts'
import type { RefreshLeaseDb } from '../store/refresh-lease-repo.ts'
import { type CoordinationKey, coordinationKey, refreshTokenHash } from './coordination-key.ts'
import { loginCommand, reauthError, transientError } from './failure.ts'
import { isUsable, stillValid } from './refresh-policy.ts'
import { asOpenclawError, exp, markerVerdict, readOAuth } from './refresh-read.ts'
import type { RefreshDeps, RefreshOutcome, RefreshRequest } from './refresh-types.ts'
import { refreshUnderLease } from './refresh-under-lease.ts'

const MAX_DEPTH = 3

/** A lease this call chain already holds (following a settlement must not wait on itself). */
export interface HeldLease {
  key: string
  leases: RefreshLeaseDb
}

export async function ensureFreshOAuth(
  deps: RefreshDeps,
  req: RefreshRequest,
  depth = 0,
  held?: HeldLease,
): Promise<RefreshOutcome> {
  const read = readOAuth(req)
  if ('error' in read) return read
  const { profile, cred } = read
  const provider = normalizeProviderId(cred.provider)
  const now = deps.clock()
  const forced = req.rejectedAccess !== undefined

  if (forced && cred.access !== req.rejectedAccess && stillValid(cred, now)) {
    // Someone already replaced the token the provider rejected: use theirs, no refresh.
    return { access: cred.access!, ...exp(cred), refreshed: false }
  }
  if (!forced && isUsable(cred, now, deps.timing.marginMs))
    return { access: cred.access!, ...exp(cred), refreshed: false }

  const verdict = markerVerdict(deps, req, profile, cred, forced)
  if (verdict) return verdict
  if (!cred.refresh?.trim()) {
    if (!forced && stillValid(cred, now)) return { access: cred.access!, ...exp(cred), refreshed: false }
    return { error: reauthError(provider, req.profileId, 'no refresh token stored') }
  }
  if (forced && deps.leaseClock() - profile.updatedAt < deps.timing.recentRefreshMs) {
    // A token issued moments ago and already rejected will not be fixed by another refresh;
    // refreshing again on every 401 is exactly the retry storm to avoid (C-10).
    return {
      error: new OpenclawError(
        'upstream',
        `${provider} rejected the access token of ${req.profileId} although it was issued moments ago; not refreshing again.`,
        {
          httpStatus: 401,
          hint: `If this persists, log in again: ${loginCommand(provider)}`,
          details: { provider, profileId: req.profileId },
        },
      ),
    }
  }
  return coordinate(deps, req, profile, cred, depth, held)
}

/** The 401 path (C-10): one forced refresh, only while `rejectedAccess` is still current. */
export function refreshAfterUnauthorized(
  deps: RefreshDeps,
  req: RefreshRequest & { rejectedAccess: string },
): Promise<RefreshOutcome> {
  return ensureFreshOAuth(deps, req)
}

async function coordinate(
  deps: RefreshDeps,
  req: RefreshRequest,
  profile: StoredProfile,
  cred: OAuthCredential,
  depth: number,
  held: HeldLease | undefined,
): Promise<RefreshOutcome> {
  const provider = normalizeProviderId(cred.provider)
  const ck = coordinationKey(cred, req.profileId)
  if (held?.key === ck.key) {
    return refreshUnderLease(deps, req, { profile, ck, leases: held.leases, depth, follow: followSettlement })
  }
  let leases: RefreshLeaseDb
  try {
    leases = deps.leases()
  } catch (err) {
    return { error: lockError(err, undefined, ck, req.profileId) }
  }
  const owner = randomUUID()
  const startedAt = deps.leaseClock()
  const deadline = startedAt + deps.timing.waitTimeoutMs
  const maxPolls = Math.ceil(deps.timing.waitTimeoutMs / Math.max(1, deps.timing.pollMs)) + 2
  for (let i = 0; i <= maxPolls; i++) {
    let got: ReturnType<RefreshLeaseDb['tryAcquire']>
    try {
      got = leases.tryAcquire({
        key: ck.key,
        label: ck.label,
        owner,
        now: deps.leaseClock(),
        ttlMs: deps.timing.leaseTtlMs,
      })
    } catch (err) {
      return { error: lockError(err, leases.path, ck, req.profileId) }
    }
    if (got.acquired) {
      try {
        return await refreshUnderLease(deps, req, { profile, ck, leases, depth, follow: followSettlement })
      } finally {
        release(deps, leases, ck, owner, req.profileId, provider)
      }
    }
    const peer = peerOutcome(deps, req, profile, cred, startedAt, leases)
    if (peer) return peer
    if (deps.leaseClock() >= deadline) {
      return {
        error: transientError(
          provider,
          req.profileId,
          'contention',
          `process ${got.holder.pid} has been refreshing ${ck.label} for too long`,
        ),
      }
    }
    if (i === 0) {
      deps.log({
        level: 'debug',
        event: 'waiting',
        profileId: req.profileId,
        provider,
        message: `waiting for process ${got.holder.pid} refreshing ${ck.label}`,
      })
    }
    await deps.sleep(deps.timing.pollMs)
  }
  return { error: transientError(provider, req.profileId, 'contention', `gave up waiting for ${ck.label}`) }
}

/** While a peer holds the lease: did it already produce a token (or a verdict) we can use? */
function peerOutcome(
  deps: RefreshDeps,
  req: RefreshRequest,
  profile: StoredProfile,
  cred: OAuthCredential,
  startedAt: number,
  leases: RefreshLeaseDb,
): RefreshOutcome | undefined {
  const read = readOAuth(req)
  if ('error' in read) return read
  const forced = req.rejectedAccess !== undefined
  const cur = read.cred
  if (read.profile.generation !== profile.generation) {
    if (stillValid(cur, deps.clock()) && (!forced || cur.access !== req.rejectedAccess)) {
      return {
        access: cur.access!,
        ...exp(cur),
        refreshed: false,
        adoptedFrom: `${req.store.path}#${req.profileId}`,
      }
    }
    return undefined
  }
  const verdict = markerVerdict(deps, req, read.profile, cur, forced, startedAt)
  if (verdict) return verdict
  if (!cred.refresh) return undefined
  let s: ReturnType<RefreshLeaseDb['findSettlement']>
  try {
    s = leases.findSettlement(refreshTokenHash(cred.refresh))
  } catch {
    return undefined
  }
  if (!s || (s.storePath === req.store.path && s.profileId === req.profileId)) return undefined
  try {
    const succ = deps.openStore(s.storePath).getProfile(s.profileId)
    const c = succ?.credential
    if (c?.type === 'oauth' && stillValid(c, deps.clock()) && (!forced || c.access !== req.rejectedAccess)) {
      return { access: c.access!, ...exp(c), refreshed: false, adoptedFrom: `${s.storePath}#${s.profileId}` }
    }
  } catch {
    // The successor's store is unreadable right now; keep waiting for the lease.
  }
  return undefined
}

/**
 * Our copy's refresh token was already spent by a peer holding the same account (a copy in
 * another agent's store, C-02). Never spend it again: use the successor where it lives, and
 * if that one needs a refresh too, refresh it in its owning store.
 */
async function followSettlement(
  deps: RefreshDeps,
  req: RefreshRequest,
  s: { storePath: string; profileId: string },
  depth: number,
  held: HeldLease,
): Promise<RefreshOutcome> {
  if (depth + 1 >= MAX_DEPTH || !path.isAbsolute(s.storePath)) {
    const read = readOAuth(req)
    const provider = 'error' in read ? 'unknown' : normalizeProviderId(read.cred.provider)
    return { error: reauthError(provider, req.profileId, 'refresh token already spent elsewhere') }
  }
  let store: ReturnType<RefreshDeps['openStore']>
  try {
    store = deps.openStore(s.storePath)
  } catch (err) {
    const e = asOpenclawError(err)
    return {
      error: new OpenclawError(
        'refresh_failed',
        `Cannot open ${s.storePath} to adopt a refreshed token: ${e.message}`,
        { retryable: true },
      ),
    }
  }
  const out = await ensureFreshOAuth(deps, { ...req, store, profileId: s.profileId }, depth + 1, held)
  if ('error' in out) return out
  return { ...out, adoptedFrom: out.adoptedFrom ?? `${s.storePath}#${s.profileId}` }
}

function release(
  deps: RefreshDeps,
  leases: RefreshLeaseDb,
  ck: CoordinationKey,
  owner: string,
  profileId: string,
  provider: string,
): void {
  try {
    leases.release(ck.key, owner)
  } catch (err) {
    // Not fatal: the lease expires on its own; but say so, a stuck lease delays other refreshes.
    deps.log({
      level: 'warn',
      event: 'lease-release-failed',
      profileId,
      provider,
      message: `could not release the refresh lease for ${ck.label}: ${asOpenclawError(err).message}`,
    })
  }
}

function lockError(
  err: unknown,
  at: string | undefined,
  ck: CoordinationKey,
  profileId: string,
): OpenclawError {
  const e = asOpenclawError(err)
  const where = at ?? (e.details?.path as string | undefined) ?? 'the shared refresh database'
  return new OpenclawError(
    'refresh_lock',
    `Cannot take the OAuth refresh lease for ${profileId} (${ck.label}) at ${where} (table refresh_leases): ${e.message}`,
    {
      hint: `The token was not refreshed. Make ${path.dirname(where)} writable, then retry.`,
      details: { profileId, path: where },
      cause: err,
    },
  )
}
