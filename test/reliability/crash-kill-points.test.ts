/**
 * B-02: SIGKILL at deterministic points. Inside BEGIN IMMEDIATE before COMMIT the whole batch
 * vanishes; right after COMMIT all of it is there; inside a schema migration the store keeps
 * its old schema and the next open re-runs the migration idempotently; around the automatic
 * WAL checkpoint every acknowledged commit survives. The backup kill points are in
 * backup.test.ts; the OAuth "between token response and COMMIT" point is covered at the
 * process level (test/oauth-refresh-processes.test.ts, H-04), see docs/reliability.md.
 */
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { openRawDatabase } from '../../src/store/db.ts'
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.ts'
import { testSeed } from './harness/seed.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import { cleanupTempRoots, delay, finish, startWorker, storePathIn, tempRoot } from './harness/workers.ts'

afterAll(cleanupTempRoots)

function baseline(dbPath: string): void {
  const store = CredentialStore.open(dbPath)
  store.upsertProfile('base:keep', { type: 'api_key', provider: 'base', key: 'k-keep' })
  store.upsertProfile('base:del', { type: 'api_key', provider: 'base', key: 'k-del' })
  store.updateState('base:keep', (s) => ({ ...s, failureCounts: { unknown: 5 } }))
  store.close()
}

async function killAt(point: string, dbPath: string, extra?: string) {
  const w = startWorker('kill-point.mjs', [point, dbPath, ...(extra ? [extra] : [])])
  const m = await w.waitForMarker(point)
  w.killGroup('SIGKILL')
  const exit = await finish(w)
  expect(exit.signal).toBe('SIGKILL')
  return m
}

function tables(dbPath: string): { tables: string[]; userVersion: number } {
  const raw = openRawDatabase(dbPath, { readonly: true })
  try {
    const rows = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
    return {
      tables: rows.map((r) => r.name),
      userVersion: Number(raw.pragma('user_version', { simple: true })),
    }
  } finally {
    raw.close()
  }
}

describe('B-02 SIGKILL at markers', () => {
  it('inside BEGIN IMMEDIATE before COMMIT: the pre-transaction state is intact', async () => {
    const dbPath = storePathIn(tempRoot('b02-before'))
    baseline(dbPath)
    await killAt('before-commit', dbPath)
    expect(storeHealth(dbPath)).toEqual(HEALTHY)
    const store = CredentialStore.open(dbPath)
    expect(store.listProfiles().map((p) => p.id)).toEqual(['base:del', 'base:keep'])
    expect(store.getState('base:keep').failureCounts).toEqual({ unknown: 5 })
    expect(store.getOrderOverride('base')).toBeUndefined()
    // The lock died with the process: the next writer is not blocked.
    store.upsertProfile('after:y', { type: 'api_key', provider: 'after', key: 'k-y' })
    store.close()
  })

  it('right after COMMIT: the whole batch is there', async () => {
    const dbPath = storePathIn(tempRoot('b02-after'))
    baseline(dbPath)
    await killAt('after-commit', dbPath)
    expect(storeHealth(dbPath)).toEqual(HEALTHY)
    const store = CredentialStore.open(dbPath, { readonly: true })
    expect(store.listProfiles().map((p) => p.id)).toEqual(['base:keep', 'new:x'])
    expect(store.getState('base:keep').failureCounts).toEqual({ unknown: 6 })
    expect(store.getOrderOverride('base')).toEqual(['base:keep'])
    store.close()
  })

  it('inside a schema migration (v1 -> v2): old schema kept, next open migrates, data intact', async () => {
    const dbPath = storePathIn(tempRoot('b02-mig'))
    baseline(dbPath)
    const raw = openRawDatabase(dbPath)
    raw.exec('DROP TABLE sessions')
    raw.pragma('user_version = 1')
    raw.close()
    // A store missing a table replays every migration; kill after the last statement ran,
    // before user_version moves.
    const m = await killAt('mid-migration', dbPath, String(MIGRATIONS.length))
    expect(m.data).toEqual({ inTransaction: true })
    const after = tables(dbPath)
    expect(after.userVersion).toBe(1)
    expect(after.tables).not.toContain('sessions')

    expect(storeHealth(dbPath)).toEqual(HEALTHY)
    expect(tables(dbPath)).toMatchObject({ userVersion: SCHEMA_VERSION })
    expect(tables(dbPath).tables).toContain('sessions')
    const store = CredentialStore.open(dbPath)
    expect(store.listProfiles().map((p) => p.id)).toEqual(['base:del', 'base:keep'])
    store.putSession({ sessionKey: 's1', updatedAt: 1 })
    expect(store.getSession('s1')).toMatchObject({ sessionKey: 's1' })
    store.close()
  })

  it('inside the first-ever migration of a new store: the next open starts it cleanly, not as corrupt', async () => {
    const root = tempRoot('b02-fresh')
    const dbPath = storePathIn(root)
    // The product creates the agent dir and file itself; the worker's raw open needs the dir.
    CredentialStore.open(dbPath).close()
    for (const f of ['', '-wal', '-shm']) fs.rmSync(dbPath + f, { force: true })
    await killAt('mid-migration', dbPath, '1')
    expect(storeHealth(dbPath)).toEqual(HEALTHY)
    const store = CredentialStore.open(dbPath)
    store.upsertProfile('new:x', { type: 'api_key', provider: 'new', key: 'k' })
    expect(store.listProfiles()).toHaveLength(1)
    store.close()
  })

  it('around the automatic WAL checkpoint (seeded delays): every acknowledged commit survives', async () => {
    const rng = testSeed('B-02 checkpoint')
    const dbPath = storePathIn(tempRoot('b02-ckpt'))
    // SQLite checkpoints when a commit leaves the WAL above 1000 pages (4 MB at 4 KiB pages).
    const nearCheckpoint = String(3_600_000)
    const acked = new Map<string, number>()
    for (let run = 0; run < 5; run++) {
      const w = startWorker('kill-point.mjs', ['checkpoint', dbPath, nearCheckpoint])
      await w.waitForMarker('near-checkpoint', 20_000)
      await delay(rng.int(0, 60))
      w.killGroup('SIGKILL')
      await finish(w)
      for (const m of w.markers) {
        if (m.name !== 'committed') continue
        const n = (m.data as { n: number }).n
        const slot = `big:p${n % 200}`
        acked.set(slot, Math.max(acked.get(slot) ?? 0, n + run * 100_000))
      }
      expect(storeHealth(dbPath)).toEqual(HEALTHY)
      const store = CredentialStore.open(dbPath, { readonly: true })
      for (const [slot, tagged] of acked) {
        const n = tagged % 100_000
        if (Math.floor(tagged / 100_000) !== run) continue
        const p = store.getProfile(slot)
        const gen = Number(p?.credential.metadata?.gen)
        // This run's last acknowledged write to the slot, or a later one.
        expect(gen, slot).toBeGreaterThanOrEqual(n)
        expect(p?.credential).toMatchObject({ key: `k-${gen}` })
      }
      store.close()
    }
  }, 60_000)
})
