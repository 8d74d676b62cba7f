/**
 * Cross-process refresh against the strict mock authorization server (reuse of a rotated-out
 * refresh token revokes the whole family). Real processes, each an agent with its own store,
 * importing the compiled refresher from dist/.
 *   C-01/C-02: 8 agents holding byte-identical copies of one expired profile: one refresh, all
 *              eight requests succeed with the new token.
 *   C-05:      the lease owner is killed after taking the lease, before the token call.
 */
import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { OAuthCredential } from '../src/auth/types.ts'
import { cleanupStateDirs, credOf, openAgentStore, tempStateDir } from '../src/oauth/refresh.test-support.ts'
import { type MockOAuthServer, startMockOAuthServer } from './support/mock-oauth-server.ts'
import { type OAuthWorker, startRefreshWorker, withDeadline } from './support/oauth-workers.ts'

let as: MockOAuthServer
beforeAll(async () => {
  as = await startMockOAuthServer()
})
afterAll(() => as.close())
afterEach(() => cleanupStateDirs())

const hash = (s: string) => createHash('sha256').update(s).digest('hex')
const PROFILE = 'openai:default'

function storedRefresh(stateDir: string, agentId: string): string | undefined {
  const s = openAgentStore(stateDir, agentId)
  try {
    return (s.getProfile(PROFILE)?.credential as OAuthCredential | undefined)?.refresh
  } finally {
    s.close()
  }
}

function seed(stateDir: string, agents: string[], cred: OAuthCredential): void {
  for (const a of agents) {
    const s = openAgentStore(stateDir, a)
    s.upsertProfile(PROFILE, cred)
    s.close()
  }
}

describe('C-01 / C-02: eight agents, byte-identical copies of one expired OAuth profile', () => {
  it('exactly one refresh; all eight requests succeed with the new token; later refreshes stay single', async () => {
    const stateDir = tempStateDir()
    const f = as.issueFamily({ accountId: 'acct-c01' })
    const agents = ['main', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']
    seed(stateDir, agents, credOf(f, Date.now() - 1000))
    const before = as.refreshCalls.length
    const workers = agents.map((agentId) =>
      startRefreshWorker({ stateDir, agentId, profileId: PROFILE, base: as.url, clientId: as.clientId }),
    )
    const results = await withDeadline(
      workers,
      30_000,
      (async () => {
        await Promise.all(workers.map((w) => w.marker('ready')))
        for (const w of workers) w.go()
        return Promise.all(workers.map((w) => w.result))
      })(),
    )
    const calls = as.refreshCalls.slice(before)
    expect(calls.map((c) => c.outcome)).toEqual(['rotated'])
    expect(as.family(f.id)?.revoked).toBe(false)
    for (const r of results) expect(r, JSON.stringify(r)).toMatchObject({ ok: true, status: 200 })
    expect(new Set(results.map((r) => r.accessHash))).toEqual(new Set([hash(f.current.access)]))
    expect(results.filter((r) => r.refreshed)).toHaveLength(1)

    // Exactly one store holds the new refresh token (no copying between agents); every other
    // copy now resolves to it through the settlement log.
    const holders = agents.filter((a) => storedRefresh(stateDir, a) === f.current.refresh)
    expect(holders).toHaveLength(1)

    // Next generation: expire the canonical copy; a round from every agent again costs one call.
    const owner = openAgentStore(stateDir, holders[0]!)
    const canonical = owner.getProfile(PROFILE)!
    owner.compareAndSetProfile(PROFILE, canonical.generation, {
      ...(canonical.credential as OAuthCredential),
      expires: Date.now() - 1,
    })
    owner.close()
    const round2 = agents.map((agentId) =>
      startRefreshWorker({ stateDir, agentId, profileId: PROFILE, base: as.url, clientId: as.clientId }),
    )
    const results2 = await withDeadline(
      round2,
      30_000,
      (async () => {
        await Promise.all(round2.map((w) => w.marker('ready')))
        for (const w of round2) w.go()
        return Promise.all(round2.map((w) => w.result))
      })(),
    )
    expect(as.refreshCalls.slice(before).map((c) => c.outcome)).toEqual(['rotated', 'rotated'])
    for (const r of results2)
      expect(r, JSON.stringify(r)).toMatchObject({
        ok: true,
        status: 200,
        accessHash: hash(f.current.access),
      })
  })
})

describe('C-05: the lease owner dies', () => {
  async function run(kill: 'sigkill' | 'lease-expiry') {
    const stateDir = tempStateDir()
    const f = as.issueFamily({ accountId: `acct-c05-${kill}` })
    seed(stateDir, ['main', 'b', 'c'], credOf(f, Date.now() - 1000))
    const before = as.refreshCalls.length
    const env =
      kill === 'lease-expiry'
        ? { OAUTH_TIMING: JSON.stringify({ leaseTtlMs: 1500, requestTimeoutMs: 1000, pollMs: 20 }) }
        : { OAUTH_TIMING: JSON.stringify({ pollMs: 20 }) }
    const base = { stateDir, profileId: PROFILE, base: as.url, clientId: as.clientId }
    const owner = startRefreshWorker({ ...base, agentId: 'main', mode: 'pause-after-lease' }, env)
    const waiters: OAuthWorker[] = [
      startRefreshWorker({ ...base, agentId: 'b' }, env),
      startRefreshWorker({ ...base, agentId: 'c' }, env),
    ]
    const all = [owner, ...waiters]
    const results = await withDeadline(
      all,
      30_000,
      (async () => {
        await owner.marker('ready')
        owner.go()
        await owner.marker('leased')
        await Promise.all(waiters.map((w) => w.marker('ready')))
        for (const w of waiters) w.go()
        await Promise.all(waiters.map((w) => w.marker('waiting')))
        const t0 = Date.now()
        if (kill === 'sigkill') owner.child.kill('SIGKILL')
        const out = await Promise.all(waiters.map((w) => w.result))
        // A live owner's lease is only taken over once it has expired.
        if (kill === 'lease-expiry') expect(owner.child.exitCode).toBeNull()
        return { out, waitedMs: Date.now() - t0 }
      })(),
    )
    owner.child.kill('SIGKILL')
    if (kill === 'lease-expiry') expect(results.waitedMs).toBeGreaterThan(500)
    expect(as.refreshCalls.slice(before).map((c) => c.outcome)).toEqual(['rotated'])
    for (const r of results.out)
      expect(r, JSON.stringify(r)).toMatchObject({
        ok: true,
        status: 200,
        accessHash: hash(f.current.access),
      })
  }

  it('SIGKILL after taking the lease: a waiter takes over at once (dead pid), one refresh overall', () =>
    run('sigkill'))
  it('owner alive but stuck: the lease expires and a waiter takes over, one refresh overall', () =>
    run('lease-expiry'))
})
