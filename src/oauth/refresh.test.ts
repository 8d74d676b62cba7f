/**
 * Refresh core, in process, against the strict mock authorization server: proactive refresh,
 * CAS commit, single flight (C-03), terminal failures (C-07), clock skew (C-09), the 401 path
 * (C-10), read-through ownership.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type MockOAuthServer, startMockOAuthServer } from '../../test/support/mock-oauth-server.ts'
import type { OAuthCredential } from '../auth/types.ts'
import {
  cleanupStateDirs,
  credOf,
  oauthConfig,
  openAgentStore,
  tempStateDir,
} from './refresh.test-support.ts'
import { createOAuthRefresher } from './refresher.ts'

let as: MockOAuthServer
beforeAll(async () => {
  as = await startMockOAuthServer()
})
afterAll(() => as.close())
afterEach(() => cleanupStateDirs())

const MIN = 60_000

function setup(now: () => number = Date.now) {
  const stateDir = tempStateDir()
  const store = openAgentStore(stateDir, 'main')
  const events: string[] = []
  const refresher = createOAuthRefresher({
    stateDir,
    config: oauthConfig(as),
    clock: now,
    log: (e) => events.push(`${e.level} ${e.event} ${e.message}`),
  })
  return { stateDir, store, refresher, events }
}

function oauthOf(store: ReturnType<typeof openAgentStore>, id: string): OAuthCredential {
  return store.getProfile(id)?.credential as OAuthCredential
}

describe('ensureFresh', () => {
  it('returns a token valid beyond the 5-minute margin without calling the provider', async () => {
    const { store, refresher } = setup()
    const f = as.issueFamily()
    store.upsertProfile('openai:a', credOf(f, Date.now() + 60 * MIN))
    const before = as.refreshCalls.length
    const r = await refresher.ensureFresh(store, 'openai:a')
    expect(r).toMatchObject({ access: f.current.access, refreshed: false })
    expect(as.refreshCalls.length).toBe(before)
    refresher.close()
  })

  it('refreshes inside the margin and commits the rotated pair with a CAS on the read generation', async () => {
    const { store, refresher } = setup()
    const f = as.issueFamily()
    const old = { ...f.current }
    const gen = store.upsertProfile('openai:a', credOf(f, Date.now() + 4 * MIN)).generation
    const r = await refresher.ensureFresh(store, 'openai:a')
    expect('access' in r && r.refreshed).toBe(true)
    const after = store.getProfile('openai:a')!
    const c = after.credential as OAuthCredential
    expect(after.generation).toBe(gen + 1)
    expect(c.access).toBe(f.current.access)
    expect(c.refresh).toBe(f.current.refresh)
    expect(c.refresh).not.toBe(old.refresh)
    expect(c.accountId).toBe(f.accountId)
    expect(c.expires).toBeGreaterThan(Date.now() + 50 * MIN)
    expect('access' in r && r.access).toBe(c.access)
    refresher.close()
  })

  it('C-03: 100 concurrent requests at expiry cost exactly one refresh call', async () => {
    const { store, refresher } = setup()
    const f = as.issueFamily()
    store.upsertProfile('openai:a', credOf(f, Date.now() - 1000))
    const before = as.refreshCalls.length
    const results = await Promise.all(
      Array.from({ length: 100 }, () => refresher.ensureFresh(store, 'openai:a')),
    )
    expect(as.refreshCalls.length - before).toBe(1)
    const tokens = new Set(results.map((r) => ('access' in r ? r.access : r.error.code)))
    expect([...tokens]).toEqual([f.current.access])
    refresher.close()
  })

  it('writes back to the store that owns the profile (read-through from the default agent)', async () => {
    const { stateDir, refresher } = setup()
    const main = openAgentStore(stateDir, 'main')
    const worker = openAgentStore(stateDir, 'worker')
    const f = as.issueFamily()
    main.upsertProfile('openai:shared', credOf(f, Date.now() - 1000))
    // The gateway passes the OWNER store of an inherited profile.
    const r = await refresher.ensureFresh(main, 'openai:shared', { agentId: 'worker' })
    expect('access' in r && r.access).toBe(f.current.access)
    expect(oauthOf(main, 'openai:shared').refresh).toBe(f.current.refresh)
    expect(worker.listProfiles()).toEqual([])
    refresher.close()
  })
})

describe('C-07 terminal refresh failures', () => {
  for (const [name, body] of [
    ['invalid_grant', { error: 'invalid_grant', error_description: 'Refresh token expired' }],
    ['refresh_token_reused', { error: { code: 'refresh_token_reused', message: 'already used' } }],
    ['sign_in_again', { error: 'bad', error_description: 'Please sign in again.' }],
    ['invalid_refresh_token', { error: 'invalid refresh token' }],
    ['revoked', { error: 'token_revoked', error_description: 'The token was revoked' }],
  ] as const) {
    it(`${name}: persisted re-auth state, credential kept, no retry, other profiles unaffected`, async () => {
      const { store, refresher } = setup()
      const dead = as.issueFamily({ accountId: `dead-${name}` })
      const ok = as.issueFamily({ accountId: `ok-${name}` })
      const deadCred = credOf(dead, Date.now() - 1000)
      store.upsertProfile('openai:dead', deadCred)
      store.upsertProfile('openai:ok', credOf(ok, Date.now() - 1000))
      as.script({ kind: 'error', status: 400, body })
      const before = as.refreshCalls.length
      const r1 = await refresher.ensureFresh(store, 'openai:dead')
      expect('error' in r1 && r1.error.code).toBe('reauth_required')
      if ('error' in r1) {
        expect(r1.error.message).toContain(name)
        expect(r1.error.hint).toBe('Run: openclaw models auth login --provider openai')
        expect(r1.error.httpStatus).toBe(401)
      }
      const marker = store.getOAuthRefreshMarker('openai:dead')
      expect(marker).toMatchObject({ status: 'reauth_required', reason: name })
      expect(store.getState('openai:dead').oauthRefresh?.status).toBe('reauth_required')
      // Not deleted, not altered.
      expect(oauthOf(store, 'openai:dead')).toEqual(deadCred)
      const r2 = await refresher.ensureFresh(store, 'openai:dead')
      expect('error' in r2 && r2.error.code).toBe('reauth_required')
      expect(as.refreshCalls.length - before).toBe(1)
      const r3 = await refresher.ensureFresh(store, 'openai:ok')
      expect('access' in r3 && r3.refreshed).toBe(true)
      refresher.close()
    })
  }

  it('a new login (new generation) is not blocked by the old verdict', async () => {
    const { store, refresher } = setup()
    const f = as.issueFamily()
    store.upsertProfile('openai:a', credOf(f, Date.now() - 1000))
    as.script({ kind: 'error', status: 400, body: { error: 'invalid_grant' } })
    expect('error' in (await refresher.ensureFresh(store, 'openai:a'))).toBe(true)
    const g = as.issueFamily()
    store.upsertProfile('openai:a', credOf(g, Date.now() - 1000))
    const r = await refresher.ensureFresh(store, 'openai:a')
    expect('access' in r && r.refreshed).toBe(true)
    expect(store.getOAuthRefreshMarker('openai:a')).toBeUndefined()
    refresher.close()
  })
})

describe('C-09 clock skew and units', () => {
  it('refreshes only inside the window as seen by the (skewed) clock', async () => {
    const f = as.issueFamily()
    const expires = Date.now() + 20 * MIN
    for (const [skew, expectRefresh] of [
      [-10 * MIN, false],
      [0, false],
      [+10 * MIN, false],
      [+16 * MIN, true],
    ] as const) {
      const { store, refresher } = setup(() => Date.now() + skew)
      store.upsertProfile('openai:a', { ...credOf(f, expires) })
      const before = as.refreshCalls.length
      const r = await refresher.ensureFresh(store, 'openai:a')
      expect('access' in r).toBe(true)
      expect(as.refreshCalls.length - before, `skew ${skew}`).toBe(expectRefresh ? 1 : 0)
      refresher.close()
    }
  })

  it('an expires stored in seconds instead of ms is detected and refreshed', async () => {
    const { store, refresher } = setup()
    const f = as.issueFamily()
    const seconds = Math.floor((Date.now() + 60 * MIN) / 1000)
    store.upsertProfile('openai:a', credOf(f, seconds))
    const r = await refresher.ensureFresh(store, 'openai:a')
    expect('access' in r && r.refreshed).toBe(true)
    expect(oauthOf(store, 'openai:a').expires).toBeGreaterThan(1e12)
    refresher.close()
  })
})

describe('C-10 401 on a not-yet-expired token', () => {
  it('forces one refresh while the rejected token is current; none when it was already replaced', async () => {
    const { store, refresher } = setup()
    const f = as.issueFamily()
    store.upsertProfile('openai:a', credOf(f, Date.now() + 60 * MIN))
    const rejected = f.current.access
    // recentRefreshMs 0: the stored token counts as old, so its 401 may force a refresh.
    const before = as.refreshCalls.length
    const guardFree = createOAuthRefresher({
      stateDir: tempStateDir(),
      config: oauthConfig(as),
      timing: { recentRefreshMs: 0 },
    })
    const r1 = await guardFree.afterUnauthorized(store, 'openai:a', rejected)
    expect('access' in r1 && r1.refreshed).toBe(true)
    expect(as.refreshCalls.length - before).toBe(1)
    // A second request that had also sent the old token: no second refresh.
    const r2 = await guardFree.afterUnauthorized(store, 'openai:a', rejected)
    expect('access' in r2 && r2.access).toBe(f.current.access)
    expect(as.refreshCalls.length - before).toBe(1)
    // The fresh token is rejected too: no loop.
    const r3 = await refresher.afterUnauthorized(store, 'openai:a', f.current.access)
    expect('error' in r3 && r3.error.httpStatus).toBe(401)
    expect(as.refreshCalls.length - before).toBe(1)
    guardFree.close()
    refresher.close()
  })
})

describe('ownership and spent tokens', () => {
  it('never refreshes into a read-only store (the rotated refresh token would be lost)', async () => {
    const { store, refresher } = setup()
    const f = as.issueFamily()
    store.upsertProfile('openai:a', credOf(f, Date.now() - 1000))
    const { CredentialStore } = await import('../store/credential-store.ts')
    const readonly = CredentialStore.open(store.path, { readonly: true })
    const before = as.refreshCalls.length
    const r = await refresher.ensureFresh(readonly, 'openai:a')
    expect('error' in r && r.error.code).toBe('store_readonly')
    expect(as.refreshCalls.length).toBe(before)
    readonly.close()
    refresher.close()
  })

  it('C-02 in process: a byte-identical copy in another agent follows the settlement, never spends the dead token', async () => {
    const { stateDir, refresher } = setup()
    const other = createOAuthRefresher({ stateDir, config: oauthConfig(as) })
    const a = openAgentStore(stateDir, 'a')
    const b = openAgentStore(stateDir, 'b')
    const f = as.issueFamily({ accountId: 'acct-copies' })
    const copy = credOf(f, Date.now() - 1000)
    a.upsertProfile('openai:x', copy)
    b.upsertProfile('openai:x', copy)
    const before = as.refreshCalls.length
    const ra = await refresher.ensureFresh(a, 'openai:x')
    const rb = await other.ensureFresh(b, 'openai:x')
    expect(as.refreshCalls.slice(before).map((c) => c.outcome)).toEqual(['rotated'])
    expect('access' in rb && rb.access).toBe('access' in ra && ra.access)
    expect('access' in rb && rb.adoptedFrom).toBe(`${a.path}#openai:x`)
    // b's own row is untouched: no refresh token was copied into it.
    expect(oauthOf(b, 'openai:x')).toEqual(copy)
    other.close()
    refresher.close()
  })

  it('a row still holding a token it already spent (lost commit) asks for re-auth instead of reusing it', async () => {
    const { stateDir, store, refresher } = setup()
    const f = as.issueFamily()
    const cred = credOf(f, Date.now() - 1000)
    store.upsertProfile('openai:a', cred)
    const { RefreshLeaseDb } = await import('../store/refresh-lease-repo.ts')
    const { refreshTokenHash } = await import('./coordination-key.ts')
    const leases = RefreshLeaseDb.open(stateDir)
    leases.recordSettlement({
      spentHash: refreshTokenHash(cred.refresh!),
      leaseKey: 'k',
      storePath: store.path,
      profileId: 'openai:a',
      generation: 99,
      settledAt: Date.now(),
    })
    leases.close()
    const before = as.refreshCalls.length
    const r = await refresher.ensureFresh(store, 'openai:a')
    expect('error' in r && r.error.code).toBe('reauth_required')
    expect(as.refreshCalls.length).toBe(before)
    expect(as.family(f.id)?.revoked).toBe(false)
    refresher.close()
  })
})
