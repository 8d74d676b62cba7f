/**
 * What the lease holder does (security R2): re-read the credential, adopt a peer's result if
 * one appeared, follow the settlement log if our refresh token was already spent elsewhere,
 * otherwise call the token endpoint (deadline < lease stale time) and commit with a
 * compare-and-set on exactly the generation that was read. Failures are persisted per
 * generation: terminal ones as re-auth required, transient ones as back-off.
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { OAuthCredential, StoredProfile } from '../auth/types.ts'
import { OpenclawError } from '../errors.ts'
import type { RefreshLeaseDb } from '../store/refresh-lease-repo.ts'
import { type CoordinationKey, refreshTokenHash } from './coordination-key.ts'
import { reauthError } from './failure.ts'
import { resolveOAuthProvider } from './provider-config.ts'
import type { HeldLease } from './refresh.ts'
import { persistTerminal, recordFailure } from './refresh-failure-record.ts'
import { isUsable, stillValid } from './refresh-policy.ts'
import { asOpenclawError, exp, markerVerdict, readOAuth } from './refresh-read.ts'
import type { RefreshDeps, RefreshOutcome, RefreshRequest } from './refresh-types.ts'
import { postTokenRequest } from './token-endpoint.ts'

export interface LeaseContext {
  /** The profile as read before the lease was taken. */
  profile: StoredProfile
  ck: CoordinationKey
  leases: RefreshLeaseDb
  depth: number
  follow: (
    deps: RefreshDeps,
    req: RefreshRequest,
    s: { storePath: string; profileId: string },
    depth: number,
    held: HeldLease,
  ) => Promise<RefreshOutcome>
}

export async function refreshUnderLease(
  deps: RefreshDeps,
  req: RefreshRequest,
  ctx: LeaseContext,
): Promise<RefreshOutcome> {
  await deps.hooks?.leaseAcquired?.({ profileId: req.profileId, leaseKey: ctx.ck.key })
  // Re-read: whatever we saw before the lease may have been refreshed by its previous holder.
  const read = readOAuth(req)
  if ('error' in read) return read
  const { profile, cred } = read
  const provider = normalizeProviderId(cred.provider)
  const forced = req.rejectedAccess !== undefined
  const now = deps.clock()
  if (profile.generation !== ctx.profile.generation) {
    const fresh = forced ? stillValid(cred, now) : isUsable(cred, now, deps.timing.marginMs)
    if (fresh && (!forced || cred.access !== req.rejectedAccess)) {
      deps.log({
        level: 'debug',
        event: 'adopted',
        profileId: req.profileId,
        provider,
        message: `adopted the token another process refreshed for ${ctx.ck.label}`,
      })
      return {
        access: cred.access!,
        ...exp(cred),
        refreshed: false,
        adoptedFrom: `${req.store.path}#${req.profileId}`,
      }
    }
  }
  const verdict = markerVerdict(deps, req, profile, cred, forced)
  if (verdict) return verdict
  if (!cred.refresh) return { error: reauthError(provider, req.profileId, 'no refresh token stored') }

  const spent = ctx.leases.findSettlement(refreshTokenHash(cred.refresh))
  if (spent) {
    if (spent.storePath === req.store.path && spent.profileId === req.profileId) {
      // Our own row still holds a token we already spent: the commit after that refresh was
      // lost. Spending it again would revoke the whole token family; ask for a new login.
      return persistTerminal(deps, req, profile, cred, {
        kind: 'terminal',
        reason: 'refresh_token_reused',
        detail: 'this refresh token was already used and its result was not saved',
      })
    }
    deps.log({
      level: 'info',
      event: 'followed-settlement',
      profileId: req.profileId,
      provider,
      message: `refresh token of ${req.profileId} was already used for ${ctx.ck.label}; using the refreshed credential at ${spent.storePath}#${spent.profileId}`,
    })
    return ctx.follow(deps, req, spent, ctx.depth, { key: ctx.ck.key, leases: ctx.leases })
  }
  return callProvider(deps, req, profile, cred, ctx)
}

async function callProvider(
  deps: RefreshDeps,
  req: RefreshRequest,
  profile: StoredProfile,
  cred: OAuthCredential,
  ctx: LeaseContext,
): Promise<RefreshOutcome> {
  const provider = normalizeProviderId(cred.provider)
  const oauth = resolveOAuthProvider(provider, deps.config)
  if (!oauth) {
    return {
      error: new OpenclawError(
        'invalid_input',
        `No OAuth token endpoint is known for provider "${provider}", so ${req.profileId} cannot be refreshed.`,
        {
          hint: `Set models.providers.${provider}.oauth.tokenUrl and clientId in openclaw.json, or log in again.`,
          details: { provider, profileId: req.profileId },
        },
      ),
    }
  }
  if (req.store.isReadonly) {
    // Refreshing rotates the refresh token; with nowhere to save the new one it would be lost.
    return {
      error: new OpenclawError(
        'store_readonly',
        `Cannot refresh ${req.profileId}: its store ${req.store.path} was opened read-only, so the rotated refresh token could not be saved.`,
        { hint: 'Pass the writable (owning) store to the refresher.', details: { profileId: req.profileId } },
      ),
    }
  }
  await deps.hooks?.beforeTokenCall?.({ profileId: req.profileId })
  deps.log({
    level: 'info',
    event: 'refresh-start',
    profileId: req.profileId,
    provider,
    message: `refreshing ${req.profileId} (${ctx.ck.label})`,
  })
  const res = await postTokenRequest({
    tokenUrl: oauth.tokenUrl,
    params: {
      grant_type: 'refresh_token',
      refresh_token: cred.refresh!,
      client_id: cred.clientId ?? oauth.clientId,
    },
    timeoutMs: deps.timing.requestTimeoutMs,
    now: deps.clock,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  })
  await deps.hooks?.afterTokenResponse?.({ profileId: req.profileId, ok: res.ok })
  if (!res.ok) return recordFailure(deps, req, profile, cred, res.failure)

  const t = res.tokens
  const next: OAuthCredential = {
    ...cred,
    access: t.access,
    refresh: t.refresh ?? cred.refresh,
    expires: t.expires,
    // Identity is what the profile was created with; a refresh never re-keys it.
    ...(cred.accountId === undefined && t.accountId ? { accountId: t.accountId } : {}),
    ...(cred.email === undefined && t.email ? { email: t.email } : {}),
  }
  let committed: StoredProfile | undefined
  try {
    committed = req.store.batch(() => {
      const r = req.store.compareAndSetProfile(req.profileId, profile.generation, next)
      if (r) req.store.clearOAuthRefreshMarker(req.profileId)
      return r
    })
  } catch (err) {
    // B-06: the provider has rotated the tokens; hand them to this request rather than waste
    // them, and say loudly that they are not saved. The refresher keeps the pair and retries
    // the save; the spent token is recorded as settled so that no other process spends it
    // again (a reuse would revoke the whole token family at the provider).
    const spentRecorded =
      recordSpentRefresh(ctx, req, cred, t.refresh, profile.generation + 1, deps) === undefined
    deps.log({
      level: 'error',
      event: 'not-persisted',
      profileId: req.profileId,
      provider,
      message:
        `refreshed ${req.profileId} but could not save the new tokens to ${req.store.path} (not persisted): ` +
        `${asOpenclawError(err).message}; this process keeps using them and retries the save` +
        (spentRecorded ? '' : `; could not record the spent refresh token in ${ctx.leases.path} either`),
    })
    return {
      access: t.access,
      expires: t.expires,
      refreshed: true,
      notPersisted: true,
      unsaved: {
        storePath: req.store.path,
        profileId: req.profileId,
        baseGeneration: profile.generation,
        credential: next,
      },
    }
  }
  if (!committed) {
    // We hold the lease, so no peer refreshed: the row was replaced by a login or removed.
    deps.log({
      level: 'warn',
      event: 'not-persisted',
      profileId: req.profileId,
      provider,
      message: `${req.profileId} changed during its refresh (a new login?); the refreshed tokens were not saved`,
    })
    return { access: t.access, expires: t.expires, refreshed: true, notPersisted: true }
  }
  const settleError = recordSpentRefresh(ctx, req, cred, t.refresh, committed.generation, deps)
  if (settleError !== undefined) {
    deps.log({
      level: 'error',
      event: 'settlement-failed',
      profileId: req.profileId,
      provider,
      message: `refreshed ${req.profileId}, but could not record it in ${ctx.leases.path}; copies of this account in other agents may fail to refresh: ${asOpenclawError(settleError).message}`,
    })
  }
  await deps.hooks?.afterCommit?.({ profileId: req.profileId, generation: committed.generation })
  deps.log({
    level: 'info',
    event: 'refreshed',
    profileId: req.profileId,
    provider,
    message: `refreshed ${req.profileId}${t.notes.length ? ` (${t.notes.join('; ')})` : ''}`,
    expires: t.expires,
  })
  return { access: t.access, expires: t.expires, refreshed: true }
}

/**
 * Records that the old refresh token is spent, when the provider rotated it, so that no other
 * process holding a copy spends it again. Returns what went wrong, if anything; the caller
 * decides how loudly to say it.
 */
function recordSpentRefresh(
  ctx: LeaseContext,
  req: RefreshRequest,
  cred: OAuthCredential,
  newRefresh: string | undefined,
  generation: number,
  deps: RefreshDeps,
): unknown {
  if (!newRefresh || newRefresh === cred.refresh) return undefined
  try {
    ctx.leases.recordSettlement({
      spentHash: refreshTokenHash(cred.refresh!),
      leaseKey: ctx.ck.key,
      storePath: req.store.path,
      profileId: req.profileId,
      generation,
      settledAt: deps.leaseClock(),
    })
    return undefined
  } catch (err) {
    return err ?? new Error('settlement failed')
  }
}
