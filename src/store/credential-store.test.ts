import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type CooldownEntry, emptyProfileState, type ProfileState, WHOLE_PROFILE } from '../auth/types.ts'
import { OpenclawError } from '../errors.ts'
import { CredentialStore } from './credential-store.ts'
import { apiKey, cleanupTempDirs, tempStorePath } from './store.test-support.ts'

afterEach(cleanupTempDirs)

function openStore(clockStart = 1_000): { store: CredentialStore; path: string; tick: () => void } {
  const p = tempStorePath()
  let now = clockStart
  const store = CredentialStore.open(p, { clock: () => now })
  return { store, path: p, tick: () => (now += 1000) }
}

function cooldown(profileId: string, model: string, until: number): CooldownEntry {
  return { profileId, model, until, reason: 'rate_limit', errorCount: 1, lastFailureAt: until - 60_000 }
}

describe('CredentialStore profiles', () => {
  it('inserts, reads back and lists profiles sorted by provider then id', () => {
    const { store } = openStore()
    store.upsertProfile('openai:b', apiKey('openai', 'sk-b'))
    store.upsertProfile('anthropic:z', {
      type: 'oauth',
      provider: 'anthropic',
      access: 'acc',
      refresh: 'ref',
      expires: 5_000,
      accountId: 'acct-1',
      clientId: 'cid',
      email: 'a@example.com',
      displayName: 'Alice',
      metadata: { org: 'o-1' },
    })
    store.upsertProfile('openai:a', {
      type: 'token',
      provider: 'openai',
      tokenRef: { source: 'env', provider: 'default', id: 'OPENAI_TOKEN' },
      expires: 9_000,
    })
    expect(store.listProfiles().map((p) => p.id)).toEqual(['anthropic:z', 'openai:a', 'openai:b'])
    expect(store.getProfile('anthropic:z')).toEqual({
      id: 'anthropic:z',
      credential: {
        type: 'oauth',
        provider: 'anthropic',
        access: 'acc',
        refresh: 'ref',
        expires: 5_000,
        accountId: 'acct-1',
        clientId: 'cid',
        email: 'a@example.com',
        displayName: 'Alice',
        metadata: { org: 'o-1' },
      },
      createdAt: 1_000,
      updatedAt: 1_000,
      generation: 1,
    })
    expect(store.getProfile('openai:a')?.credential).toEqual({
      type: 'token',
      provider: 'openai',
      tokenRef: { source: 'env', provider: 'default', id: 'OPENAI_TOKEN' },
      expires: 9_000,
    })
    expect(store.getProfile('missing:x')).toBeUndefined()
    store.close()
  })

  it('bumps the generation and keeps createdAt on replace', () => {
    const { store, tick } = openStore()
    expect(store.upsertProfile('openai:a', apiKey('openai', 'sk-1')).generation).toBe(1)
    tick()
    const second = store.upsertProfile('openai:a', apiKey('openai', 'sk-2'))
    expect(second).toMatchObject({ generation: 2, createdAt: 1_000, updatedAt: 2_000 })
    expect(store.getProfile('openai:a')?.credential).toEqual(apiKey('openai', 'sk-2'))
    store.close()
  })

  it('compare-and-set writes only on the expected generation', () => {
    const { store } = openStore()
    expect(store.compareAndSetProfile('openai:a', 0, apiKey('openai', 'sk-1'))?.generation).toBe(1)
    expect(store.compareAndSetProfile('openai:a', 0, apiKey('openai', 'sk-x'))).toBeUndefined()
    expect(store.compareAndSetProfile('openai:a', 1, apiKey('openai', 'sk-2'))?.generation).toBe(2)
    expect(store.compareAndSetProfile('openai:a', 1, apiKey('openai', 'sk-3'))).toBeUndefined()
    expect(store.compareAndSetProfile('openai:none', 3, apiKey('openai', 'sk-4'))).toBeUndefined()
    expect(store.getProfile('openai:a')?.credential).toEqual(apiKey('openai', 'sk-2'))
    expect(store.getProfile('openai:none')).toBeUndefined()
    store.close()
  })

  it('a replaced secret starts healthy; the same secret keeps its cooldowns', () => {
    const { store } = openStore()
    store.upsertProfile('openai:a', apiKey('openai', 'sk-1'))
    const disabled = { until: 99_000, reason: 'billing' as const, count: 2, lastFailureAt: 50_000 }
    store.updateState('openai:a', (s) => ({
      ...s,
      failureCounts: { billing: 2 },
      disabled,
      cooldowns: [cooldown('openai:a', WHOLE_PROFILE, 90_000)],
    }))
    store.upsertProfile('openai:a', { ...apiKey('openai', 'sk-1'), displayName: 'renamed' })
    expect(store.getState('openai:a')).toMatchObject({ disabled, cooldowns: [{ model: WHOLE_PROFILE }] })

    store.upsertProfile('openai:a', apiKey('openai', 'sk-2'))
    const after = store.getState('openai:a')
    expect(after.disabled).toBeUndefined()
    expect(after.cooldowns).toEqual([])
    expect(after.failureCounts).toEqual({ billing: 2 })
    store.close()
  })

  it('compare-and-set leaves routing state alone (refresh of a cooled-down account)', () => {
    const { store } = openStore()
    store.upsertProfile('openai:a', { type: 'oauth', provider: 'openai', access: 'a1', refresh: 'r1' })
    store.updateState('openai:a', (s) => ({ ...s, cooldowns: [cooldown('openai:a', 'gpt-5', 90_000)] }))
    store.compareAndSetProfile('openai:a', 1, {
      type: 'oauth',
      provider: 'openai',
      access: 'a2',
      refresh: 'r2',
    })
    expect(store.getState('openai:a').cooldowns).toHaveLength(1)
    store.close()
  })

  it('delete cascades to state, cooldowns, last-good and order overrides', () => {
    const { store } = openStore()
    store.upsertProfile('openai:a', apiKey('openai', 'sk-1'))
    store.upsertProfile('openai:b', apiKey('openai', 'sk-2'))
    store.updateState('openai:a', (s) => ({ ...s, lastUsed: 5, cooldowns: [cooldown('openai:a', 'm', 9)] }))
    store.setOrderOverride('openai', ['openai:a', 'openai:b'])
    store.setOrderOverride('solo', ['openai:a'])
    store.setLastGood('openai', 'openai:a', 77)

    expect(store.deleteProfile('openai:a')).toBe(true)
    expect(store.getProfile('openai:a')).toBeUndefined()
    expect(store.getState('openai:a')).toEqual(emptyProfileState('openai:a'))
    expect(store.listStates().has('openai:a')).toBe(false)
    expect(store.getOrderOverride('openai')).toEqual(['openai:b'])
    expect(store.getOrderOverride('solo')).toBeUndefined()
    expect(store.snapshot().lastGood).toEqual({})
    expect(store.deleteProfile('openai:a')).toBe(false)
    store.close()
  })

  it('deleting an inherited profile (state only) still clears its state', () => {
    const { store } = openStore()
    store.updateState('main:inherited', (s) => ({ ...s, cooldowns: [cooldown('main:inherited', 'm', 9)] }))
    expect(store.deleteProfile('main:inherited')).toBe(false)
    expect(store.listStates().size).toBe(0)
    store.close()
  })

  it('rejects a non-integer expires without writing', () => {
    const { store } = openStore()
    const bad = { type: 'token' as const, provider: 'openai', token: 't', expires: 1.5 }
    expect(() => store.upsertProfile('openai:a', bad)).toThrow(
      expect.objectContaining({ code: 'invalid_credential' }),
    )
    expect(store.listProfiles()).toEqual([])
    store.close()
  })
})

describe('CredentialStore state', () => {
  it('returns an empty state for unknown profiles', () => {
    const { store } = openStore()
    expect(store.getState('openai:x')).toEqual(emptyProfileState('openai:x'))
    store.close()
  })

  it('round-trips a full state with several model-scoped cooldowns kept separately', () => {
    const { store, path: p } = openStore()
    const next: ProfileState = {
      profileId: 'openai:a',
      lastUsed: 10,
      lastGoodAt: 11,
      lastFailureAt: 12,
      failureCounts: { rate_limit: 3, timeout: 1 },
      disabled: { until: 500, reason: 'auth_permanent', count: 1, lastFailureAt: 12 },
      cooldowns: [
        cooldown('openai:a', 'gpt-5', 100),
        cooldown('openai:a', 'gpt-4o', 200),
        { ...cooldown('openai:a', WHOLE_PROFILE, 300), reason: 'overloaded', errorCount: 4 },
      ],
    }
    const written = store.updateState('openai:a', () => next)
    const expected = {
      ...next,
      cooldowns: [...next.cooldowns].sort((a, b) => a.model.localeCompare(b.model)),
    }
    expect(written).toEqual(expected)
    store.close()

    const reopened = CredentialStore.open(p)
    expect(reopened.getState('openai:a')).toEqual(expected)
    expect(reopened.listStates()).toEqual(new Map([['openai:a', expected]]))

    // Replacing the cooldown list drops rows that are no longer present.
    reopened.updateState('openai:a', (s) => ({
      ...s,
      cooldowns: s.cooldowns.filter((c) => c.model !== 'gpt-5'),
    }))
    expect(reopened.getState('openai:a').cooldowns.map((c) => c.model)).toEqual([WHOLE_PROFILE, 'gpt-4o'])
    reopened.close()
  })

  it('stores cooldowns under the updated profile id whatever the entries say', () => {
    const { store } = openStore()
    const s = store.updateState('openai:a', (prev) => ({ ...prev, cooldowns: [cooldown('other:b', 'm', 1)] }))
    expect(s.cooldowns).toEqual([cooldown('openai:a', 'm', 1)])
    expect(store.getState('other:b').cooldowns).toEqual([])
    store.close()
  })

  it('rolls back when the update callback throws, surfacing the error unchanged', () => {
    const { store } = openStore()
    store.updateState('openai:a', (s) => ({ ...s, lastUsed: 1 }))
    const boom = new Error('boom')
    expect(() =>
      store.updateState('openai:a', (s) => {
        store.setLastGood('openai', 'openai:a', 5)
        void s
        throw boom
      }),
    ).toThrow(boom)
    expect(store.getState('openai:a').lastUsed).toBe(1)
    expect(store.snapshot().lastGood).toEqual({})
    store.close()
  })

  it('clearCooldowns reports what it cleared', () => {
    const { store } = openStore()
    store.updateState('openai:a', (s) => ({
      ...s,
      failureCounts: { billing: 1 },
      disabled: { until: 9, reason: 'billing', count: 1, lastFailureAt: 1 },
      cooldowns: [cooldown('openai:a', 'm1', 9), cooldown('openai:a', 'm2', 9)],
    }))
    expect(store.clearCooldowns('openai:a')).toEqual({ clearedCooldowns: 2, clearedDisabled: true })
    expect(store.clearCooldowns('openai:a')).toEqual({ clearedCooldowns: 0, clearedDisabled: false })
    expect(store.getState('openai:a').failureCounts).toEqual({ billing: 1 })
    store.close()
  })
})

describe('CredentialStore order overrides, last good, snapshot', () => {
  it('sets, dedupes, clears overrides', () => {
    const { store } = openStore()
    store.setOrderOverride('openai', ['openai:b', 'openai:a', 'openai:b'])
    expect(store.getOrderOverride('openai')).toEqual(['openai:b', 'openai:a'])
    store.setOrderOverride('openai', [])
    expect(store.getOrderOverride('openai')).toBeUndefined()
    store.setOrderOverride('openai', ['openai:a'])
    expect(store.clearOrderOverride('openai')).toBe(true)
    expect(store.clearOrderOverride('openai')).toBe(false)
    store.close()
  })

  it('snapshot returns every table at once', () => {
    const { store } = openStore()
    store.batch(() => {
      store.upsertProfile('openai:a', apiKey('openai', 'sk-1'))
      store.setOrderOverride('openai', ['openai:a'])
      store.setLastGood('openai', 'openai:a', 42)
      store.updateState('openai:a', (s) => ({ ...s, lastUsed: 7 }))
    })
    const snap = store.snapshot()
    expect(snap.profiles.map((p) => p.id)).toEqual(['openai:a'])
    expect(snap.orderOverrides).toEqual({ openai: ['openai:a'] })
    expect(snap.lastGood).toEqual({ openai: { profileId: 'openai:a', at: 42 } })
    expect(snap.states.get('openai:a')?.lastUsed).toBe(7)
    store.close()
  })

  it('batch is all-or-nothing', () => {
    const { store } = openStore()
    expect(() =>
      store.batch(() => {
        store.upsertProfile('openai:a', apiKey('openai', 'sk-1'))
        throw new Error('abort')
      }),
    ).toThrow('abort')
    expect(store.listProfiles()).toEqual([])
    store.close()
  })

  it('revision moves on every committed write, from any connection, and is read with a real query', () => {
    const { store, path: p } = openStore()
    const other = CredentialStore.open(p)
    const r0 = store.revision()
    store.upsertProfile('openai:a', apiKey('openai', 'sk-1'))
    const r1 = store.revision()
    expect(r1).toBeGreaterThan(r0)
    expect(other.revision()).toBe(r1)
    other.updateState('openai:a', (s) => ({ ...s, lastUsed: 5 }))
    expect(store.revision()).toBeGreaterThan(r1)
    expect(() =>
      store.batch(() => {
        store.upsertProfile('openai:b', apiKey('openai', 'sk-2'))
        throw new Error('no')
      }),
    ).toThrow('no')
    const r2 = store.revision()
    expect(other.revision()).toBe(r2)
    other.close()
    store.close()
  })

  it('dataVersion moves when another connection commits', () => {
    const { store, path: p } = openStore()
    const other = CredentialStore.open(p)
    const before = store.dataVersion()
    store.upsertProfile('openai:a', apiKey('openai', 'sk-1'))
    expect(store.dataVersion()).toBe(before)
    other.upsertProfile('openai:b', apiKey('openai', 'sk-2'))
    expect(store.dataVersion()).not.toBe(before)
    other.close()
    store.close()
  })
})

describe('CredentialStore read-only', () => {
  it('a missing store reads as empty and creates nothing', () => {
    const p = tempStorePath()
    const root = path.resolve(p, '../../../..')
    const store = CredentialStore.open(p, { readonly: true })
    expect(store.listProfiles()).toEqual([])
    expect(store.snapshot()).toEqual({ profiles: [], states: new Map(), orderOverrides: {}, lastGood: {} })
    expect(() => store.upsertProfile('openai:a', apiKey('openai', 'sk'))).toThrow(
      expect.objectContaining({ code: 'store_readonly' }),
    )
    store.close()
    expect(fs.readdirSync(root)).toEqual([])
  })

  it('reads an existing store and refuses writes with store_readonly', () => {
    const { store, path: p } = openStore()
    store.upsertProfile('openai:a', apiKey('openai', 'sk-1'))
    store.close()
    const ro = CredentialStore.open(p, { readonly: true })
    expect(ro.listProfiles().map((x) => x.id)).toEqual(['openai:a'])
    let caught: unknown
    try {
      ro.setLastGood('openai', 'openai:a', 1)
    } catch (err) {
      caught = err
    }
    expect(OpenclawError.isInstance(caught) && caught.code).toBe('store_readonly')
    ro.close()
  })

  it('a 0-byte file opened read-only reads as empty and stays 0 bytes', () => {
    const p = tempStorePath()
    fs.mkdirSync(path.dirname(p), { recursive: true })
    fs.writeFileSync(p, '')
    const ro = CredentialStore.open(p, { readonly: true })
    expect(ro.listProfiles()).toEqual([])
    ro.close()
    expect(fs.statSync(p).size).toBe(0)
  })
})

describe('CredentialStore bookkeeping batches', () => {
  it('commit without an fsync for that transaction only; the store stays synchronous=FULL otherwise', () => {
    const { store, path: p } = openStore()
    store.upsertProfile('openai:a', apiKey('openai', 'sk-bookkeeping-a'))
    const levels: number[] = []
    const pragma = (s: CredentialStore) =>
      (s as unknown as { db: { pragma(q: string, o: { simple: true }): number } }).db.pragma('synchronous', {
        simple: true,
      })
    store.batchBookkeeping(() => {
      levels.push(pragma(store))
      store.updateState('openai:a', (prev) => ({ ...prev, lastUsed: 42 }))
    })
    levels.push(pragma(store))
    expect(levels).toEqual([1, 2])
    // Committed: another connection sees it.
    const other = CredentialStore.open(p, { readonly: true })
    expect(other.getState('openai:a').lastUsed).toBe(42)
    other.close()
    // A failing batch rolls back and still restores FULL.
    expect(() =>
      store.batchBookkeeping(() => {
        store.updateState('openai:a', (prev) => ({ ...prev, lastUsed: 43 }))
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(pragma(store)).toBe(2)
    expect(store.getState('openai:a').lastUsed).toBe(42)
    store.close()
  })
})
