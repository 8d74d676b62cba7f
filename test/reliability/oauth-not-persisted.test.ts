/**
 * B-06, OAuth path: the provider rotated the pair, then the store refused the save (disk full
 * via `PRAGMA max_page_count` on the store's own connection, or a read-only store via
 * `query_only`). The fresh access token serves the in-flight request, a loud "not persisted"
 * error names the profile and the store (never a token), the previous pair stays readable, later
 * requests of the same process use the unsaved pair instead of spending the already used refresh
 * token (a reuse would revoke the family), and once space is back the next request saves it:
 * exactly one refresh call, family intact, store healthy.
 *
 * The mock authorization server pads the refresh tokens it mints after `big = true` by 16 KiB
 * (the product takes up to 64 KiB), so the save needs new pages that max_page_count refuses (a
 * same-size update would fit in place).
 */
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OAuthCredential } from '../../src/auth/types.ts'
import type { RefreshEvent } from '../../src/oauth/refresh-types.ts'
import { createOAuthRefresher } from '../../src/oauth/refresher.ts'
import { CredentialStore } from '../../src/store/credential-store.ts'
import type { Db } from '../../src/store/db.ts'
import { canary, expectNoCanary } from '../support/cli.ts'
import { providerConfig, snapshotStateDir, startTestGateway } from '../support/gateway-harness.ts'
import { type MockOAuthServer, startMockOAuthServer } from '../support/mock-oauth-server.ts'
import { type MockProvider, startMockProvider } from '../support/mock-provider/index.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import { cleanupTempRoots, storePathIn, tempRoot } from './harness/workers.ts'

afterAll(cleanupTempRoots)

let big = false
const minted: string[] = []
let as: MockOAuthServer
let mock: MockProvider
beforeAll(async () => {
  as = await startMockOAuthServer({
    secret: (prefix) => {
      const c = canary(prefix)
      minted.push(c)
      // Only the refresh token: the access token travels in a header (Node caps those at 16 KiB).
      return big && prefix === 'rt-' ? `${c}${'z'.repeat(16 * 1024)}` : c
    },
  })
  mock = await startMockProvider()
})
afterAll(async () => {
  await as.close()
  await mock.close()
})

/** Fault injection only: the store keeps its connection private, tests reach it at runtime. */
function connectionOf(store: CredentialStore): Db {
  return (store as unknown as { db: Db }).db
}

type Fault = 'disk full' | 'read-only store'

/** Makes the next write that needs new pages fail; returns the function that undoes it. */
function inject(store: CredentialStore, fault: Fault): () => void {
  const db = connectionOf(store)
  if (fault === 'read-only store') {
    db.pragma('query_only = ON')
    return () => db.pragma('query_only = OFF')
  }
  const pages = Number(db.pragma('page_count', { simple: true }))
  db.pragma(`max_page_count = ${pages}`)
  return () => db.pragma(`max_page_count = ${pages * 1000}`)
}

const oauthConfig = () => ({
  models: {
    providers: {
      openai: { oauth: { tokenUrl: as.tokenUrl, authorizeUrl: as.authorizeUrl, clientId: as.clientId } },
    },
  },
})

function expiredPair(): { family: ReturnType<MockOAuthServer['issueFamily']>; cred: OAuthCredential } {
  big = false
  const family = as.issueFamily({ email: 'me@example.com' })
  return {
    family,
    cred: {
      type: 'oauth',
      provider: 'openai',
      access: family.current.access,
      refresh: family.current.refresh,
      expires: Date.now() - 60_000,
      accountId: family.accountId,
      email: family.email,
    },
  }
}

describe('B-06 a refreshed pair the store cannot save', () => {
  for (const fault of ['disk full', 'read-only store'] as const) {
    it(`${fault}: served to the request, "not persisted" logged, old pair kept, saved once possible`, async () => {
      const stateDir = tempRoot('b06-oauth')
      const storePath = storePathIn(stateDir)
      const store = CredentialStore.open(storePath)
      const { family, cred } = expiredPair()
      store.upsertProfile('openai:me', cred)
      const events: RefreshEvent[] = []
      let host = Date.now()
      const refresher = createOAuthRefresher({
        stateDir,
        config: oauthConfig(),
        leaseClock: () => host,
        log: (e) => events.push(e),
      })
      const undo = inject(store, fault)
      big = true
      const calls = as.refreshCalls.length

      const r1 = await refresher.ensureFresh(store, 'openai:me')
      expect(r1).toMatchObject({ access: family.current.access, refreshed: true, notPersisted: true })
      expect(r1).not.toHaveProperty('unsaved')
      expect(as.refreshCalls.length - calls).toBe(1)
      const loud = events.find((e) => e.event === 'not-persisted')
      expect(loud?.level).toBe('error')
      expect(loud?.message).toContain(`refreshed openai:me but could not save the new tokens to ${storePath}`)
      expect(loud?.message).toContain('not persisted')
      if (fault === 'disk full') expect(loud?.message).toContain('no space left')
      expectNoCanary(
        events.map((e) => JSON.stringify(e)),
        [cred.access!, cred.refresh!, ...minted],
      )
      // The previous pair is still what the store holds, readable by anyone.
      const reader = CredentialStore.open(storePath, { readonly: true })
      expect(reader.getProfile('openai:me')?.credential).toEqual(cred)
      expect(reader.getProfile('openai:me')?.generation).toBe(1)
      reader.close()

      // Still failing: the next request gets the unsaved token, and nothing is spent again.
      const r2 = await refresher.ensureFresh(store, 'openai:me')
      expect(r2).toMatchObject({ access: family.current.access, notPersisted: true })
      host += 5_000
      const r3 = await refresher.ensureFresh(store, 'openai:me')
      expect(r3).toMatchObject({ access: family.current.access, notPersisted: true })
      expect(as.refreshCalls.length - calls).toBe(1)

      // Space is back: the next request saves the pair; the family was never reused.
      undo()
      host += 5_000
      const r4 = await refresher.ensureFresh(store, 'openai:me')
      expect(r4).toMatchObject({ access: family.current.access, refreshed: false })
      expect(r4).not.toHaveProperty('notPersisted')
      expect(events.map((e) => e.event)).toContain('persisted-late')
      const saved = store.getProfile('openai:me')
      expect(saved?.generation).toBe(2)
      expect(saved?.credential).toMatchObject({
        access: family.current.access,
        refresh: family.current.refresh,
      })
      expect(as.refreshCalls.length - calls).toBe(1)
      expect(as.family(family.id)?.revoked).toBe(false)

      // And a later refresh spends the saved (current) refresh token: rotated, not a reuse.
      big = false
      store.upsertProfile('openai:me', { ...(saved!.credential as OAuthCredential), expires: Date.now() - 1 })
      const r5 = await refresher.ensureFresh(store, 'openai:me')
      expect(r5).toMatchObject({ refreshed: true })
      expect(r5).not.toHaveProperty('notPersisted')
      expect(as.refreshCalls.at(-1)?.outcome).toBe('rotated')
      refresher.close()
      store.close()
      expect(storeHealth(storePath)).toEqual(HEALTHY)
      // The refresh marker, settlement and lease tables are non-secret: the scan checks them.
      snapshotStateDir(stateDir)
    })
  }

  it('another process that finds the spent token asks for a login instead of reusing it', async () => {
    const stateDir = tempRoot('b06-peer')
    const storePath = storePathIn(stateDir)
    const store = CredentialStore.open(storePath)
    const { family, cred } = expiredPair()
    store.upsertProfile('openai:me', cred)
    const first = createOAuthRefresher({ stateDir, config: oauthConfig() })
    inject(store, 'disk full')
    big = true
    const calls = as.refreshCalls.length
    expect(await first.ensureFresh(store, 'openai:me')).toMatchObject({ notPersisted: true })
    first.close()
    // A second refresher (another process's) with its own connection: the store still holds
    // the spent pair; the settlement says so, so it is not sent to the provider again.
    big = false
    const peerStore = CredentialStore.open(storePath)
    const peer = createOAuthRefresher({ stateDir, config: oauthConfig() })
    const r = await peer.ensureFresh(peerStore, 'openai:me')
    expect('error' in r && r.error.code).toBe('reauth_required')
    expect(as.refreshCalls.length - calls).toBe(1)
    expect(as.family(family.id)?.revoked).toBe(false)
    peer.close()
    peerStore.close()
    store.close()
    snapshotStateDir(stateDir)
  })

  it('through a gateway request: the client is served, the gateway logs it, the next request saves it', async () => {
    const { family, cred } = expiredPair()
    mock.setDefault({ kind: 'ok', text: 'served fresh' })
    const gw = await startTestGateway({
      mock,
      config: {
        models: {
          providers: {
            ...providerConfig(mock),
            openai: {
              ...(providerConfig(mock).openai as object),
              oauth: { tokenUrl: as.tokenUrl, clientId: as.clientId, authorizeUrl: as.authorizeUrl },
            },
          },
        },
      },
      profiles: { 'openai:me': cred },
    })
    try {
      const store = gw.state.agent('main').store
      const undo = inject(store, 'disk full')
      big = true
      const calls = as.refreshCalls.length
      const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
      const ask = (content: string) =>
        client.chat.completions.create({ model: 'openai/gpt-x', messages: [{ role: 'user', content }] })
      expect((await ask('one')).choices[0]?.message.content).toBe('served fresh')
      expect(mock.requests.at(-1)?.credential).toBe(family.current.access)
      const line = gw.logs.find((l) => l.includes('oauth not-persisted openai:me'))
      expect(line).toMatch(/^error: /)
      expect(line).toContain(gw.home.storePath())
      expect(line).toContain('no space left')
      expectNoCanary(gw.logs, [cred.access!, cred.refresh!, ...minted])
      const reader = CredentialStore.open(gw.home.storePath(), { readonly: true })
      expect(reader.getProfile('openai:me')?.credential).toEqual(cred)
      reader.close()

      expect((await ask('two')).choices[0]?.message.content).toBe('served fresh')
      expect(mock.requests.at(-1)?.credential).toBe(family.current.access)
      undo()
      // The save is retried at most once a second: poll with a deadline, one request a round.
      const deadline = Date.now() + 10_000
      let stored: OAuthCredential | undefined
      for (let i = 0; i < 100 && Date.now() < deadline; i++) {
        await ask(`retry ${i}`)
        const r = CredentialStore.open(gw.home.storePath(), { readonly: true })
        stored = r.getProfile('openai:me')?.credential as OAuthCredential
        r.close()
        if (stored.access === family.current.access) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(stored?.refresh).toBe(family.current.refresh)
      expect(gw.logs.some((l) => l.includes('oauth persisted-late openai:me'))).toBe(true)
      expect(as.refreshCalls.length - calls).toBe(1)
      expect(as.family(family.id)?.revoked).toBe(false)
    } finally {
      big = false
      await gw.close()
    }
  })
})
