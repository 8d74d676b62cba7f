/**
 * Transient refresh failures and their bounds: 5xx / timeout / malformed JSON keep the old
 * credential and back off (C-08), odd expires_in values, a lost response (C-04), a token
 * endpoint slower than the deadline while another process waits (C-06), and an unwritable
 * lease (C-12).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type MockOAuthServer, startMockOAuthServer } from '../../test/support/mock-oauth-server.ts'
import type { OAuthCredential } from '../auth/types.ts'
import { openRawDatabase } from '../store/db.ts'
import { leaseDbPath, RefreshLeaseDb } from '../store/refresh-lease-repo.ts'
import {
  cleanupStateDirs,
  credOf,
  oauthConfig,
  openAgentStore,
  tempStateDir,
} from './refresh.test-support.ts'
import { createOAuthRefresher, type OAuthRefresherOptions } from './refresher.ts'
import { MAX_LIFETIME_S } from './token-response.ts'

let as: MockOAuthServer
beforeAll(async () => {
  as = await startMockOAuthServer()
})
afterAll(() => as.close())
afterEach(() => cleanupStateDirs())

const MIN = 60_000

function setup(extra: Partial<OAuthRefresherOptions> = {}) {
  const stateDir = tempStateDir()
  const store = openAgentStore(stateDir, 'main')
  const events: Array<{ event: string; message: string }> = []
  const refresher = createOAuthRefresher({
    stateDir,
    config: oauthConfig(as),
    log: (e) => events.push(e),
    ...extra,
  })
  return { stateDir, store, refresher, events }
}

const oauthOf = (s: ReturnType<typeof openAgentStore>, id: string) =>
  s.getProfile(id)?.credential as OAuthCredential

describe('C-08 transient failures keep the credential and back off', () => {
  for (const [label, behavior, reason] of [
    ['HTTP 500', { kind: 'error', status: 500, body: { error: 'server_error' } }, 'server_error'],
    ['HTTP 503 html', { kind: 'malformed', status: 503, text: '<html>down</html>' }, 'server_error'],
    ['malformed JSON', { kind: 'malformed' }, 'malformed'],
    [
      '200 without access_token',
      { kind: 'malformed', status: 200, text: '{"token_type":"Bearer"}' },
      'malformed',
    ],
    ['HTTP 429', { kind: 'error', status: 429, body: { error: 'slow_down' } }, 'rate_limited'],
  ] as const) {
    it(`${label}: old credential kept, back-off persisted, no retry storm`, async () => {
      let host = Date.now()
      const { store, refresher } = setup({ leaseClock: () => host })
      const f = as.issueFamily()
      const cred = credOf(f, Date.now() - 1000)
      store.upsertProfile('openai:a', cred)
      as.script(behavior)
      const before = as.refreshCalls.length
      const r1 = await refresher.ensureFresh(store, 'openai:a')
      expect('error' in r1 && r1.error.code).toBe('refresh_failed')
      if ('error' in r1) expect(r1.error.retryable).toBe(true)
      expect(oauthOf(store, 'openai:a')).toEqual(cred)
      const m = store.getOAuthRefreshMarker('openai:a')
      expect(m).toMatchObject({ status: 'backoff', reason, failures: 1 })
      // Ten more requests inside the back-off window: no provider call.
      for (let i = 0; i < 10; i++) await refresher.ensureFresh(store, 'openai:a')
      expect(as.refreshCalls.length - before).toBe(1)
      // After the window the next request tries again, and succeeds.
      host = (m?.retryAt ?? 0) + 1
      const r2 = await refresher.ensureFresh(store, 'openai:a')
      expect('access' in r2 && r2.refreshed).toBe(true)
      expect(as.refreshCalls.length - before).toBe(2)
      expect(store.getOAuthRefreshMarker('openai:a')).toBeUndefined()
      refresher.close()
    })
  }

  it('a still-valid token is served while a proactive refresh fails; back-off doubles', async () => {
    let host = Date.now()
    const { store, refresher } = setup({ leaseClock: () => host })
    const f = as.issueFamily()
    store.upsertProfile('openai:a', credOf(f, Date.now() + 3 * MIN))
    as.script({ kind: 'error', status: 502, body: {} }, { kind: 'error', status: 502, body: {} })
    const r1 = await refresher.ensureFresh(store, 'openai:a')
    expect(r1).toMatchObject({ access: f.current.access, refreshed: false })
    const m1 = store.getOAuthRefreshMarker('openai:a')!
    host = m1.retryAt! + 1
    await refresher.ensureFresh(store, 'openai:a')
    const m2 = store.getOAuthRefreshMarker('openai:a')!
    expect(m2.failures).toBe(2)
    expect(m2.retryAt! - m2.failedAt).toBe(2 * (m1.retryAt! - m1.failedAt))
    refresher.close()
  })

  it('timeout: the provider call is aborted at the deadline and counted as transient', async () => {
    const { store, refresher } = setup({ timing: { requestTimeoutMs: 200, leaseTtlMs: 2000 } })
    const f = as.issueFamily()
    store.upsertProfile('openai:a', credOf(f, Date.now() - 1000))
    as.script({ kind: 'hang' })
    const r = await refresher.ensureFresh(store, 'openai:a')
    expect('error' in r && r.error.message).toMatch(/timeout: no answer within 200 ms/)
    as.release()
    refresher.close()
  })

  const cases: Array<[string, unknown, (lifetimeS: number) => boolean]> = [
    ['missing', undefined, (s) => s === 3600],
    ['0', 0, (s) => s === 3600],
    ['-5', -5, (s) => s === 3600],
    ['"3600" (string)', '3600', (s) => s === 3600],
    ['1e12 (absurd)', 1e12, (s) => s === MAX_LIFETIME_S],
    ['"soon" (garbage)', 'soon', (s) => s === 3600],
  ]
  for (const [label, expiresIn, ok] of cases) {
    it(`expires_in ${label} is repaired, never stored as-is and never a refresh storm`, async () => {
      const { store, refresher, events } = setup()
      const f = as.issueFamily()
      store.upsertProfile('openai:a', credOf(f, Date.now() - 1000))
      as.script({ kind: 'ok', expiresIn })
      const t0 = Date.now()
      const r = await refresher.ensureFresh(store, 'openai:a')
      expect('access' in r && r.refreshed).toBe(true)
      const lifetime = Math.round(((oauthOf(store, 'openai:a').expires ?? 0) - t0) / 1000)
      expect(ok(lifetime) || ok(lifetime - 1), `lifetime ${lifetime}`).toBe(true)
      expect(events.some((e) => e.event === 'refreshed' && /expires_in/.test(e.message))).toBe(true)
      // The repaired lifetime is beyond the margin: the next request does not refresh again.
      const before = as.refreshCalls.length
      await refresher.ensureFresh(store, 'openai:a')
      expect(as.refreshCalls.length).toBe(before)
      refresher.close()
    })
  }
})

describe('G-02: a token endpoint that quotes the token it was sent', () => {
  for (const [label, status, error] of [
    ['terminal (invalid_grant)', 400, 'invalid_grant'],
    ['transient (other 4xx)', 400, 'invalid_request'],
  ] as const) {
    it(`${label}: the refresh token is masked in the error, the marker and the log events`, async () => {
      const { store, refresher, events } = setup()
      const f = as.issueFamily()
      store.upsertProfile('openai:a', credOf(f, Date.now() - 1000))
      const sent = f.current.refresh
      as.script({
        kind: 'error',
        status,
        body: { error, error_description: `refresh token ${sent} (${JSON.stringify(sent)}) cannot be used` },
      })
      const r = await refresher.ensureFresh(store, 'openai:a')
      expect('error' in r).toBe(true)
      const message = 'error' in r ? r.error.message : ''
      expect(message).toContain('refresh token [redacted]')
      const marker = store.getOAuthRefreshMarker('openai:a')
      for (const text of [message, JSON.stringify(marker), JSON.stringify(events)]) {
        expect(text).not.toContain(sent)
        expect(text).not.toContain(sent.slice(3, 20))
      }
      refresher.close()
    })
  }
})

describe('C-04 lost response', () => {
  it('AS rotates then drops the connection: transient, then re-auth required; never hammers the AS', async () => {
    let host = Date.now()
    const { store, refresher } = setup({ leaseClock: () => host })
    const f = as.issueFamily()
    const cred = credOf(f, Date.now() - 1000)
    store.upsertProfile('openai:a', cred)
    as.script({ kind: 'drop-after-commit' })
    const before = as.refreshCalls.length
    const r1 = await refresher.ensureFresh(store, 'openai:a')
    expect('error' in r1 && r1.error.code).toBe('refresh_failed')
    host = store.getOAuthRefreshMarker('openai:a')!.retryAt! + 1
    // The retry presents the old token; this AS revokes on reuse (the lost tokens are gone).
    const r2 = await refresher.ensureFresh(store, 'openai:a')
    expect('error' in r2 && r2.error.code).toBe('reauth_required')
    host += 60 * MIN
    const r3 = await refresher.ensureFresh(store, 'openai:a')
    expect('error' in r3 && r3.error.code).toBe('reauth_required')
    expect(as.refreshCalls.length - before).toBe(2)
    expect(oauthOf(store, 'openai:a')).toEqual(cred)
    refresher.close()
  })
})

describe('C-06 token endpoint slower than the deadline', () => {
  it('owner aborts while its lease is still valid; the waiter sees a transient failure, no second refresh', async () => {
    const stateDir = tempStateDir()
    const timing = { requestTimeoutMs: 300, leaseTtlMs: 5000, pollMs: 10 }
    const storeA = openAgentStore(stateDir, 'main')
    const storeB = openAgentStore(stateDir, 'main')
    let leaseAt = 0
    const events: Array<{ event: string; at: number }> = []
    const owner = createOAuthRefresher({
      stateDir,
      config: oauthConfig(as),
      timing,
      hooks: {
        leaseAcquired: () => {
          leaseAt = Date.now()
        },
      },
      log: (e) => events.push({ event: e.event, at: Date.now() }),
    })
    const waiter = createOAuthRefresher({ stateDir, config: oauthConfig(as), timing })
    const f = as.issueFamily()
    storeA.upsertProfile('openai:a', credOf(f, Date.now() - 1000))
    as.script({ kind: 'hang' })
    const before = as.refreshCalls.length
    const arrived = as.waitForTokenRequests(as.tokenRequestCount + 1)
    const ownerRun = owner.ensureFresh(storeA, 'openai:a')
    await arrived
    const waiterRun = waiter.ensureFresh(storeB, 'openai:a')
    const [ro, rw] = await Promise.all([ownerRun, waiterRun])
    expect('error' in ro && ro.error.code).toBe('refresh_failed')
    expect('error' in rw && rw.error.code).toBe('refresh_failed')
    const failedAt = events.find((e) => e.event === 'refresh-failed')!.at
    expect(failedAt - leaseAt).toBeLessThan(timing.leaseTtlMs)
    as.release()
    expect(as.refreshCalls.length - before).toBe(1)
    owner.close()
    waiter.close()
  })
})

describe('C-12 unwritable lease', () => {
  it('state/ blocked by a file: refresh fails fast with a clear error naming the path; nothing skipped', async () => {
    const { stateDir, store, refresher } = setup()
    fs.writeFileSync(path.join(stateDir, 'state'), 'not a directory')
    const f = as.issueFamily()
    const cred = credOf(f, Date.now() - 1000)
    store.upsertProfile('openai:a', cred)
    const before = as.refreshCalls.length
    const t0 = Date.now()
    const r = await refresher.ensureFresh(store, 'openai:a')
    expect(Date.now() - t0).toBeLessThan(2000)
    expect('error' in r && r.error.code).toBe('refresh_lock')
    if ('error' in r) {
      expect(r.error.message).toContain('Cannot take the OAuth refresh lease for openai:a')
      expect(r.error.message).toContain(path.join(stateDir, 'state'))
    }
    expect(as.refreshCalls.length).toBe(before)
    expect(oauthOf(store, 'openai:a')).toEqual(cred)
    refresher.close()
  })

  it('lease row unwritable (writes to refresh_leases refused): clear error, no provider call', async () => {
    const { stateDir, store, refresher } = setup()
    RefreshLeaseDb.open(stateDir).close()
    const raw = openRawDatabase(leaseDbPath(stateDir))
    raw.exec(
      `CREATE TRIGGER no_leases BEFORE INSERT ON refresh_leases BEGIN SELECT RAISE(ABORT, 'read-only lease table'); END;`,
    )
    raw.close()
    const f = as.issueFamily()
    store.upsertProfile('openai:a', credOf(f, Date.now() - 1000))
    const before = as.refreshCalls.length
    const r = await refresher.ensureFresh(store, 'openai:a')
    expect('error' in r && r.error.code).toBe('refresh_lock')
    if ('error' in r) expect(r.error.message).toContain(`at ${leaseDbPath(stateDir)} (table refresh_leases)`)
    expect(as.refreshCalls.length).toBe(before)
    refresher.close()
  })

  it.skipIf(process.getuid?.() === 0)('lease database chmod 0400: clear error', async () => {
    const { stateDir, store, refresher } = setup()
    RefreshLeaseDb.open(stateDir).close()
    fs.chmodSync(leaseDbPath(stateDir), 0o400)
    fs.chmodSync(path.dirname(leaseDbPath(stateDir)), 0o500)
    const f = as.issueFamily()
    store.upsertProfile('openai:a', credOf(f, Date.now() - 1000))
    const r = await refresher.ensureFresh(store, 'openai:a')
    expect('error' in r && r.error.code).toBe('refresh_lock')
    fs.chmodSync(path.dirname(leaseDbPath(stateDir)), 0o700)
    refresher.close()
  })
})
