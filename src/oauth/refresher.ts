/**
 * The long-lived object the gateway (and the probe) hold: one per process. It adds in-process
 * single flight on top of the cross-process lease, so a hundred requests arriving at expiry
 * cost one token call and one lease round trip (C-03), and it owns the shared lease database
 * and the stores it opens to follow settlements.
 *
 *   const refresher = createOAuthRefresher({ stateDir, config: () => currentConfig, log })
 *   const r = await refresher.ensureFresh(ownerStore, profileId)
 *   if ('error' in r) fail(r.error) else send(r.access)
 *   // after a 401 from the provider with token `sent`:
 *   const again = await refresher.afterUnauthorized(ownerStore, profileId, sent)
 */
import { type Clock, type Credential, systemClock } from '../auth/types.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { CredentialStore } from '../store/credential-store.ts'
import { RefreshLeaseDb } from '../store/refresh-lease-repo.ts'
import { coordinationKey } from './coordination-key.ts'
import { ensureFreshOAuth } from './refresh.ts'
import { isUsable, type RefreshTiming, resolveTiming } from './refresh-policy.ts'
import type {
  RefreshDeps,
  RefreshEvent,
  RefreshHooks,
  RefreshOutcome,
  RefreshRequest,
} from './refresh-types.ts'
import type { FetchLike } from './token-endpoint.ts'
import { createUnsavedPairs } from './unsaved-pairs.ts'

export interface OAuthRefresherOptions {
  stateDir: string
  /** A function so a live-reloaded config is picked up on the next refresh. */
  config: OpenclawConfig | (() => OpenclawConfig)
  clock?: Clock
  leaseClock?: Clock
  log?: (e: RefreshEvent) => void
  fetch?: FetchLike
  timing?: Partial<RefreshTiming>
  hooks?: RefreshHooks
  /** Reuse already-open stores (the gateway's) when a settlement points into them. */
  openStore?: (path: string) => CredentialStore | undefined
}

export interface OAuthRefresher {
  /** A token good for > 5 minutes, refreshing first when needed. Never throws. */
  ensureFresh(store: CredentialStore, profileId: string, opts?: { agentId?: string }): Promise<RefreshOutcome>
  /** After a provider 401: refreshes once, only if `rejectedAccess` is still the stored token. */
  afterUnauthorized(
    store: CredentialStore,
    profileId: string,
    rejectedAccess: string,
    opts?: { agentId?: string },
  ): Promise<RefreshOutcome>
  close(): void
}

export function createOAuthRefresher(opts: OAuthRefresherOptions): OAuthRefresher {
  const timing = resolveTiming(opts.timing)
  const opened = new Map<string, CredentialStore>()
  let leaseDb: RefreshLeaseDb | undefined
  const inflight = new Map<string, Promise<RefreshOutcome>>()
  const accountTail = new Map<string, Promise<unknown>>()
  const unsaved = createUnsavedPairs({
    clock: opts.clock ?? systemClock,
    leaseClock: opts.leaseClock ?? systemClock,
    log: opts.log ?? (() => {}),
  })

  const deps = (): RefreshDeps => ({
    config: typeof opts.config === 'function' ? opts.config() : opts.config,
    leases: () => {
      // Opened lazily and retried on every refresh until it works: a lease database that
      // cannot be opened fails each refresh clearly instead of being skipped (C-12).
      leaseDb ??= RefreshLeaseDb.open(opts.stateDir)
      return leaseDb
    },
    clock: opts.clock ?? systemClock,
    leaseClock: opts.leaseClock ?? systemClock,
    timing,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    openStore: (p) => {
      const given = opts.openStore?.(p)
      if (given) return given
      let s = opened.get(p)
      if (!s) {
        s = CredentialStore.open(p)
        opened.set(p, s)
      }
      return s
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: opts.log ?? (() => {}),
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
  })

  const run = (req: RefreshRequest): Promise<RefreshOutcome> => {
    // A pair the provider issued but the store refused comes first: the stored refresh token
    // is already spent (B-06).
    const held = unsaved.settle(req)
    if (held) return Promise.resolve(held)
    // Hot path: a token that is good for longer than the margin costs one row read.
    const current = readCurrent(req)
    if (
      current?.type === 'oauth' &&
      req.rejectedAccess === undefined &&
      isUsable(current, (opts.clock ?? systemClock)(), timing.marginMs)
    ) {
      return Promise.resolve({
        access: current.access!,
        ...(current.expires !== undefined ? { expires: current.expires } : {}),
        refreshed: false,
      })
    }
    const target = `${req.store.path}\u0000${req.profileId}\u0000${req.rejectedAccess ?? ''}`
    const same = inflight.get(target)
    if (same) return same
    // Calls for other profiles of the same account queue behind each other in this process
    // (they would otherwise poll the lease against themselves) and then mostly adopt.
    const account = current?.type === 'oauth' ? coordinationKey(current, req.profileId).key : undefined
    const prev = account ? accountTail.get(account) : undefined
    const p = (async () => {
      if (prev) await prev.catch(() => undefined)
      return unsaved.remember(req, await ensureFreshOAuth(deps(), req))
    })()
    inflight.set(target, p)
    if (account) accountTail.set(account, p)
    const cleanup = () => {
      inflight.delete(target)
      if (account && accountTail.get(account) === p) accountTail.delete(account)
    }
    p.then(cleanup, cleanup)
    return p
  }

  return {
    ensureFresh: (store, profileId, o) =>
      run({ store, profileId, ...(o?.agentId ? { agentId: o.agentId } : {}) }),
    afterUnauthorized: (store, profileId, rejectedAccess, o) =>
      run({ store, profileId, rejectedAccess, ...(o?.agentId ? { agentId: o.agentId } : {}) }),
    close() {
      unsaved.clear()
      leaseDb?.close()
      leaseDb = undefined
      for (const s of opened.values()) s.close()
      opened.clear()
    },
  }
}

function readCurrent(req: RefreshRequest): Credential | undefined {
  try {
    return req.store.getProfile(req.profileId)?.credential
  } catch {
    // ensureFreshOAuth reads again and reports the store error properly.
    return undefined
  }
}
