/**
 * B-06: token pairs the provider issued but the store could not save (disk full, read-only
 * store). The provider has already rotated: the stored refresh token is spent, so refreshing
 * again from the store would be a reuse, which revokes the whole token family. Until the save
 * succeeds this process serves the unsaved access token and retries the save (at most once a
 * second); it never spends the stored refresh token meanwhile. Memory only: the pair is secret.
 */
import { normalizeProviderId } from '../auth/profile-id.ts'
import type { Clock, OAuthCredential } from '../auth/types.ts'
import { OpenclawError } from '../errors.ts'
import type { CredentialStore } from '../store/credential-store.ts'
import { stillValid } from './refresh-policy.ts'
import type { RefreshEvent, RefreshOutcome, RefreshRequest } from './refresh-types.ts'

/** A failing save is retried at most this often (a gateway under load asks on every request). */
export const UNSAVED_RETRY_MS = 1000

interface Unsaved {
  baseGeneration: number
  credential: OAuthCredential
  nextTryAt: number
}

export interface UnsavedPairs {
  /**
   * Remembers the pair of a `notPersisted` refresh outcome of `req`'s own row and returns the
   * outcome without it, so the tokens go no further than the access token the caller needs.
   */
  remember(req: RefreshRequest, outcome: RefreshOutcome): RefreshOutcome
  /**
   * Undefined when nothing is pending (or it was just saved, or the row moved on): refresh as
   * usual. Otherwise the outcome to return instead of refreshing.
   */
  settle(req: RefreshRequest): RefreshOutcome | undefined
  clear(): void
}

export function createUnsavedPairs(deps: {
  clock: Clock
  leaseClock: Clock
  log: (e: RefreshEvent) => void
}): UnsavedPairs {
  const pending = new Map<string, Unsaved>()
  const keyOf = (store: CredentialStore, profileId: string) => `${store.path}\u0000${profileId}`

  return {
    remember(req, outcome) {
      if ('error' in outcome || !outcome.unsaved) return outcome
      const { unsaved, ...rest } = outcome
      // A pair refreshed while following a settlement belongs to another row; that row's own
      // requests find it through the settlement again, so only our own row is kept.
      if (unsaved.storePath === req.store.path && unsaved.profileId === req.profileId) {
        pending.set(keyOf(req.store, req.profileId), {
          baseGeneration: unsaved.baseGeneration,
          credential: unsaved.credential,
          nextTryAt: deps.leaseClock() + UNSAVED_RETRY_MS,
        })
      }
      return rest
    },
    settle(req) {
      const key = keyOf(req.store, req.profileId)
      const p = pending.get(key)
      if (!p) return undefined
      const provider = normalizeProviderId(p.credential.provider)
      if (deps.leaseClock() >= p.nextTryAt) {
        let saved: 'saved' | 'moved' | undefined
        try {
          saved = req.store.batch(() => {
            const r = req.store.compareAndSetProfile(req.profileId, p.baseGeneration, p.credential)
            if (r) req.store.clearOAuthRefreshMarker(req.profileId)
            return r ? 'saved' : 'moved'
          })
        } catch {
          p.nextTryAt = deps.leaseClock() + UNSAVED_RETRY_MS
        }
        if (saved) {
          pending.delete(key)
          deps.log(
            saved === 'saved'
              ? {
                  level: 'info',
                  event: 'persisted-late',
                  profileId: req.profileId,
                  provider,
                  message: `saved the refreshed tokens of ${req.profileId} to ${req.store.path} (they could not be saved earlier)`,
                }
              : {
                  level: 'warn',
                  event: 'not-persisted',
                  profileId: req.profileId,
                  provider,
                  message: `${req.profileId} changed in ${req.store.path} (a new login?) before its unsaved refreshed tokens could be saved; they were dropped`,
                },
          )
          return undefined
        }
      }
      const rejected = req.rejectedAccess !== undefined && req.rejectedAccess === p.credential.access
      if (!rejected && stillValid(p.credential, deps.clock())) {
        return {
          access: p.credential.access!,
          ...(p.credential.expires !== undefined ? { expires: p.credential.expires } : {}),
          refreshed: false,
          notPersisted: true,
        }
      }
      return {
        error: new OpenclawError(
          'refresh_failed',
          `The refreshed tokens of ${req.profileId} could not be saved to ${req.store.path}, and the access token this process kept is no longer usable; refreshing again with the stored (already used) refresh token would revoke the login.`,
          {
            hint: `free disk space (or make ${req.store.path} writable) so the next request saves them; if this process exits first, log in again`,
            details: { profileId: req.profileId, path: req.store.path },
            retryable: true,
          },
        ),
      }
    },
    clear() {
      pending.clear()
    },
  }
}
