/**
 * B-08: a never-ending reader starves the WAL checkpoint and the WAL grows past
 * `journal_size_limit`; `openclaw doctor` reports the starvation while it lasts; once the reader
 * ends, a checkpoint and the next commit cut the file back under the limit, nothing is lost.
 *
 * B-10: why a product backup must use the online backup API or VACUUM INTO: `cp` of the .sqlite
 * alone, taken while the WAL holds commits, restores a store without them. `openclaw backup`
 * (backup.test.ts) passes the same scenario through the product.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Finding } from '../../src/doctor/types.ts'
import { CredentialStore } from '../../src/store/credential-store.ts'
import {
  AUTOCHECKPOINT_PAGES,
  type Db,
  JOURNAL_SIZE_LIMIT_BYTES,
  openRawDatabase,
} from '../../src/store/db.ts'
import { runMain } from './harness/in-process-cli.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import { cleanupTempRoots, finish, startWorker, storePathIn, tempRoot } from './harness/workers.ts'

afterAll(cleanupTempRoots)

function connectionOf(store: CredentialStore): Db {
  return (store as unknown as { db: Db }).db
}

const walSize = (p: string) => (fs.existsSync(`${p}-wal`) ? fs.statSync(`${p}-wal`).size : 0)
const pad = (n: number) => ({ pad: String(n % 10).repeat(48 * 1024) })

describe('B-08 WAL checkpoint starvation', () => {
  it('a pinned reader grows the WAL past the limit and doctor reports it; once it ends, a checkpoint and the next commit cut the WAL back under journal_size_limit', async () => {
    const root = tempRoot('b08')
    const dbPath = storePathIn(root)
    const env = {
      HOME: root,
      OPENCLAW_STATE_DIR: root,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NO_COLOR: '1',
    }
    const store = CredentialStore.open(dbPath)
    store.upsertProfile('base:a', { type: 'api_key', provider: 'base', key: 'k' })
    const reader = startWorker('read-snapshot.mjs', [dbPath])
    expect((await reader.waitForMarker('reading')).data).toEqual({ profiles: 1 })

    // Past the 1000-page autocheckpoint and past the limit, none of it checkpointable. Bounded
    // in count and time; the count is reused for the unpinned run below.
    const until = Date.now() + 30_000
    let writes = 0
    while (walSize(dbPath) <= JOURNAL_SIZE_LIMIT_BYTES + 1024 * 1024 && writes < 3000 && Date.now() < until) {
      store.upsertProfile(`big:p${writes % 20}`, {
        type: 'api_key',
        provider: 'big',
        key: `k-${writes}`,
        metadata: pad(writes),
      })
      writes++
    }
    const starved = walSize(dbPath)
    expect(starved).toBeGreaterThan(JOURNAL_SIZE_LIMIT_BYTES)

    // Doctor, while the reader holds its snapshot: a starvation warning with the numbers.
    const during = await runMain(['doctor', '--json'], { env, cwd: root })
    const found = (JSON.parse(during.stdout) as { findings: Finding[] }).findings.find(
      (f) => f.id === `files.wal:${dbPath}`,
    )
    expect(found?.level).toBe('warning')
    expect(found?.title).toContain('Checkpoint starvation')
    const frames = /(\d+) of its (\d+) frames could not be checkpointed/.exec(found?.detail ?? '')
    expect(Number(frames?.[1])).toBeGreaterThanOrEqual(AUTOCHECKPOINT_PAGES)
    expect(found?.fix?.command).toBe(`fuser -v ${dbPath}`)

    reader.killGroup('SIGKILL')
    await finish(reader)
    // The next commit checkpoints everything (autocheckpoint); the one after restarts the WAL
    // from its start and truncates the file to journal_size_limit.
    store.upsertProfile('base:a', { type: 'api_key', provider: 'base', key: 'k2' })
    const after = connectionOf(store).pragma('wal_checkpoint(PASSIVE)') as {
      log: number
      checkpointed: number
    }[]
    expect(after[0]?.checkpointed).toBe(after[0]?.log)
    store.upsertProfile('base:a', { type: 'api_key', provider: 'base', key: 'k3' })
    const shrunk = walSize(dbPath)
    expect(shrunk).toBeLessThanOrEqual(JOURNAL_SIZE_LIMIT_BYTES)

    // The same load again without a reader stays under the limit throughout.
    let peak = 0
    for (let n = 0; n < writes; n++) {
      store.upsertProfile(`big:p${n % 20}`, {
        type: 'api_key',
        provider: 'big',
        key: `k2-${n}`,
        metadata: pad(n),
      })
      peak = Math.max(peak, walSize(dbPath))
    }
    expect(peak).toBeLessThanOrEqual(JOURNAL_SIZE_LIMIT_BYTES)
    const quiet = await runMain(['doctor', '--json'], { env, cwd: root })
    const ids = (JSON.parse(quiet.stdout) as { findings: Finding[] }).findings.map((f) => f.id)
    expect(ids).not.toContain(`files.wal:${dbPath}`)
    const last = writes - 1 - ((writes - 1 - 19) % 20)
    expect(store.getProfile('big:p19')?.credential).toMatchObject({ key: `k2-${last}` })
    expect(store.listProfiles()).toHaveLength(21)
    store.close()
    expect(storeHealth(dbPath)).toEqual(HEALTHY)
    console.log(
      `B-08: WAL ${(starved / 2 ** 20).toFixed(1)} MiB while pinned (${frames?.[1]}/${frames?.[2]} frames not checkpointable, doctor warned), ` +
        `${(shrunk / 2 ** 20).toFixed(1)} MiB after the reader ended (limit ${(JOURNAL_SIZE_LIMIT_BYTES / 2 ** 20).toFixed(1)} MiB), ` +
        `peak ${(peak / 2 ** 20).toFixed(1)} MiB under the same ${writes} writes unpinned`,
    )
  }, 90_000)
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
