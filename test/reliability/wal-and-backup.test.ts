/**
 * B-08: a never-ending reader starves the WAL checkpoint; once it ends, the next commit
 * checkpoints everything, the WAL is reused and stops growing, nothing is lost. Current limits
 * (docs/reliability.md): no `journal_size_limit`, so the WAL file keeps its high-water size, and
 * nothing reports the starvation while it lasts (health/doctor work, issue 6).
 *
 * B-10: why a product backup must use the online backup API or VACUUM INTO: `cp` of the .sqlite
 * alone, taken while the WAL holds commits, restores a store without them. The product has no
 * backup command yet (pending, issue 6); this pins down the hazard that command must avoid.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { type Db, openRawDatabase } from '../../src/store/db.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import { cleanupTempRoots, finish, startWorker, storePathIn, tempRoot } from './harness/workers.ts'

afterAll(cleanupTempRoots)

function connectionOf(store: CredentialStore): Db {
  return (store as unknown as { db: Db }).db
}

const walSize = (p: string) => (fs.existsSync(`${p}-wal`) ? fs.statSync(`${p}-wal`).size : 0)
const pad = (n: number) => ({ pad: String(n % 10).repeat(48 * 1024) })

describe('B-08 WAL checkpoint starvation', () => {
  it('a pinned reader lets the WAL grow; after it ends one commit checkpoints all, and the WAL stops growing', async () => {
    const dbPath = storePathIn(tempRoot('b08'))
    const store = CredentialStore.open(dbPath)
    store.upsertProfile('base:a', { type: 'api_key', provider: 'base', key: 'k' })
    const reader = startWorker('read-snapshot.mjs', [dbPath])
    expect((await reader.waitForMarker('reading')).data).toEqual({ profiles: 1 })

    // Several MB of commits, past SQLite's 1000-page autocheckpoint, none of it checkpointable.
    for (let n = 0; n < 160; n++) {
      store.upsertProfile(`big:p${n % 20}`, {
        type: 'api_key',
        provider: 'big',
        key: `k-${n}`,
        metadata: pad(n),
      })
    }
    const starved = walSize(dbPath)
    expect(starved).toBeGreaterThan(1000 * 4096)
    const pinned = connectionOf(store).pragma('wal_checkpoint(PASSIVE)') as {
      busy: number
      log: number
      checkpointed: number
    }[]
    expect(pinned[0]?.checkpointed).toBeLessThan(pinned[0]?.log ?? 0)

    reader.killGroup('SIGKILL')
    await finish(reader)
    store.upsertProfile('base:a', { type: 'api_key', provider: 'base', key: 'k2' })
    const after = connectionOf(store).pragma('wal_checkpoint(PASSIVE)') as {
      log: number
      checkpointed: number
    }[]
    expect(after[0]?.checkpointed).toBe(after[0]?.log)

    // The same volume again without a reader: the WAL is reused from its start, not extended.
    for (let n = 0; n < 160; n++) {
      store.upsertProfile(`big:p${n % 20}`, {
        type: 'api_key',
        provider: 'big',
        key: `k2-${n}`,
        metadata: pad(n),
      })
    }
    const reused = walSize(dbPath)
    // Appended after the old frames it would be about twice the size.
    expect(reused).toBeLessThan(starved * 1.5)
    expect(store.getProfile('big:p19')?.credential).toMatchObject({ key: 'k2-159' })
    expect(store.listProfiles()).toHaveLength(21)
    store.close()
    expect(storeHealth(dbPath)).toEqual(HEALTHY)
    console.log(
      `B-08: WAL ${(starved / 1e6).toFixed(1)} MB while pinned (checkpointed ${pinned[0]?.checkpointed}/${pinned[0]?.log} frames), ` +
        `${(reused / 1e6).toFixed(1)} MB after the same load unpinned; no journal_size_limit, so the file is not truncated`,
    )
  }, 60_000)
})

describe('B-10 backups must not copy the .sqlite file alone', () => {
  it('cp of only the .sqlite loses WAL-resident commits; the online backup API keeps them all', async () => {
    const root = tempRoot('b10')
    const dbPath = storePathIn(root)
    const store = CredentialStore.open(dbPath)
    for (let i = 0; i < 20; i++)
      store.upsertProfile(`p:${i}`, { type: 'api_key', provider: 'p', key: `k-${i}` })
    // Still in the WAL (under the 1000-page autocheckpoint) and the store is open, as in a live gateway.
    expect(walSize(dbPath)).toBeGreaterThan(0)

    // The copy runs in another process: an fs open/close of the file here would drop this
    // process's SQLite locks (B-09).
    const copied = path.join(root, 'copied.sqlite')
    expect(spawnSync('cp', [dbPath, copied]).status).toBe(0)
    const restored = openRawDatabase(copied, { readonly: true })
    // Even the schema may still live only in the WAL: then the copy has no tables at all.
    const hasTable = restored.prepare("SELECT 1 FROM sqlite_master WHERE name = 'auth_profiles'").get()
    const restoredCount = hasTable
      ? (restored.prepare('SELECT count(*) AS n FROM auth_profiles').get() as { n: number }).n
      : 0
    restored.close()
    expect(restoredCount).toBeLessThan(20)

    const backup = path.join(root, 'backup.sqlite')
    await connectionOf(store).backup(backup)
    const fromBackup = CredentialStore.open(backup, { readonly: true })
    expect(fromBackup.listProfiles()).toHaveLength(20)
    fromBackup.close()
    store.close()
    console.log(`B-10: cp of the .sqlite alone restored ${restoredCount}/20 profiles; backup API 20/20`)
  })
})
