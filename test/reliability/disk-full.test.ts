/**
 * B-06: the disk fills up while a credential (a rotated OAuth pair) is being saved, three ways
 * and none needs root: `PRAGMA max_page_count` on the store's own connection (SQLITE_FULL,
 * deterministic), `ulimit -f` in the worker's shell (EFBIG on growth; Node ignores SIGXFSZ), and
 * a 1 MiB tmpfs in a private mount namespace (`unshare -rm`, real ENOSPC). In every case the save
 * fails with an error naming the store, the previous pair is still readable, the store passes
 * integrity_check, and a save after space is freed succeeds. The OAuth path (the fresh pair
 * served to the in-flight request, "not persisted", saved later) is oauth-not-persisted.test.ts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Credential } from '../../src/auth/types.ts'
import { OpenclawError } from '../../src/errors.ts'
import { CredentialStore } from '../../src/store/credential-store.ts'
import type { Db } from '../../src/store/db.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import {
  canUnshareMounts,
  cleanupTempRoots,
  finish,
  startWorker,
  storePathIn,
  tempRoot,
} from './harness/workers.ts'

afterAll(cleanupTempRoots)

const PAIR_1: Credential = { type: 'oauth', provider: 'base', access: 'acc-1', refresh: 'ref-1', expires: 1 }
const PAIR_2: Credential = { type: 'oauth', provider: 'base', access: 'acc-2', refresh: 'ref-2', expires: 2 }

/** Fault injection only: the store keeps its connection private, tests reach it at runtime. */
function connectionOf(store: CredentialStore): Db {
  return (store as unknown as { db: Db }).db
}

function caught(fn: () => unknown): OpenclawError {
  try {
    fn()
  } catch (err) {
    if (OpenclawError.isInstance(err)) return err
    throw err
  }
  throw new Error('expected an OpenclawError')
}

interface DiskFullResult {
  saved: number
  fill?: string
  error?: { code: string; message: string }
  baseAfter?: Credential
  retry?: Credential | { code: string }
  integrity?: string
}

describe('B-06 disk full while saving', () => {
  it('max_page_count: store_full naming the path, old pair intact, save works once space is back', () => {
    const dbPath = storePathIn(tempRoot('b06-pages'))
    const store = CredentialStore.open(dbPath)
    store.upsertProfile('base:a', PAIR_1)
    const db = connectionOf(store)
    const pages = Number(db.pragma('page_count', { simple: true }))
    db.pragma(`max_page_count = ${pages}`)
    const err = caught(() =>
      store.upsertProfile('base:a', { ...PAIR_2, metadata: { pad: 'x'.repeat(64 * 1024) } }),
    )
    expect(err.code).toBe('store_full')
    expect(err.message).toBe(`Credential store ${dbPath}: no space left in ${path.dirname(dbPath)}.`)
    expect(err.hint).toContain('free disk space')
    expect(store.getProfile('base:a')?.credential).toEqual(PAIR_1)
    expect(store.getProfile('base:a')?.generation).toBe(1)
    db.pragma(`max_page_count = ${pages * 100}`)
    store.upsertProfile('base:a', PAIR_2)
    expect(store.getProfile('base:a')?.credential).toEqual(PAIR_2)
    store.close()
    expect(storeHealth(dbPath)).toEqual(HEALTHY)
  })

  it('ulimit -f: the save fails naming the store (store_io: SQLite reports EFBIG as an I/O error)', async () => {
    const dbPath = storePathIn(tempRoot('b06-ulimit'))
    const store = CredentialStore.open(dbPath)
    store.upsertProfile('base:a', PAIR_1)
    store.close()
    const limitKiB = Math.ceil(fs.statSync(dbPath).size / 1024) + 128
    const w = startWorker('disk-full.mjs', ['ulimit', dbPath], {
      shellPrefix: `trap '' XFSZ; ulimit -f ${limitKiB}`,
    })
    const exit = await finish(w)
    expect(exit.code, w.stderr).toBe(0)
    const r = w.result<DiskFullResult>()
    expect(r?.error?.code).toBe('store_io')
    expect(r?.error?.message).toBe(`Credential store ${dbPath}: SQLITE_IOERR_WRITE: disk I/O error`)
    expect(r?.baseAfter).toEqual(PAIR_1)
    expect(r?.integrity).toBe('ok')
    const after = CredentialStore.open(dbPath)
    expect(after.listProfiles()).toHaveLength(1 + (r?.saved ?? 0))
    after.upsertProfile('base:a', PAIR_2)
    after.close()
    expect(storeHealth(dbPath)).toEqual(HEALTHY)
  })

  it.runIf(canUnshareMounts())(
    'tmpfs (real ENOSPC): store_full naming the dir, old pair intact, save works after freeing space',
    async () => {
      const root = tempRoot('b06-tmpfs')
      const dbPath = storePathIn(root)
      // In a private mount namespace: a 1 MiB tmpfs on the temp root, the agent dir in it, then
      // exec node disk-full.mjs tmpfs <dbPath> (sh: $0 = root, $1 = agent dir, then the command).
      const mount = 'mount -t tmpfs -o size=1m tmpfs "$0" && mkdir -p "$1" && shift && exec "$@"'
      const w = startWorker('disk-full.mjs', ['tmpfs', dbPath], {
        wrapper: ['unshare', '-rm', 'sh', '-c', mount, root, path.dirname(dbPath)],
      })
      const exit = await finish(w)
      expect(exit.code, w.stderr).toBe(0)
      const r = w.result<DiskFullResult>()
      expect(r?.fill).toBe('ENOSPC')
      expect(r?.error?.code).toBe('store_full')
      expect(r?.error?.message).toBe(`Credential store ${dbPath}: no space left in ${path.dirname(dbPath)}.`)
      expect(r?.baseAfter).toEqual(PAIR_1)
      expect(r?.retry).toEqual(PAIR_2)
      expect(r?.integrity).toBe('ok')
      // The tmpfs lived only inside the namespace: nothing was written to the real root.
      expect(fs.readdirSync(root)).toEqual([])
    },
  )
})
