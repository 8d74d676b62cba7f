/**
 * B-02 / B-03 / B-06 worker: runs one store operation and announces a marker at a chosen point,
 * then blocks (Atomics.wait, the transaction still open) until the parent kills it.
 * argv: <point> <dbPath> [extra]
 *   before-commit   inside BEGIN IMMEDIATE: new profile, a delete, a state bump, an order override
 *   after-commit    the same batch, marker after COMMIT returned
 *   mid-migration   applyMigrations (the product's function, real SQL); the marker fires after
 *                   migration statement number [extra] ran, inside the migration transaction
 *   hold-write      BEGIN IMMEDIATE held for up to [extra] ms (B-03 lock holder)
 *   checkpoint      commits big rows until the WAL passes [extra] bytes (autocheckpoint is
 *                   near), then keeps committing with a `committed` marker per commit (killed
 *                   at seeded delays, some during the checkpoint the product's commit runs)
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { CredentialStore } from '../../../dist/store/credential-store.js'
import { applyMigrations } from '../../../dist/store/migrations.js'
import { block, clock, deadline, marker } from './worker-lib.mjs'

const require = createRequire(import.meta.url)
const [point, dbPath, extra] = process.argv.slice(2)
const HOLD_MS = 30_000

function batch(store) {
  store.batch(() => {
    store.upsertProfile('new:x', { type: 'api_key', provider: 'new', key: 'k-new' })
    store.deleteProfile('base:del')
    store.updateState('base:keep', (prev) => ({
      ...prev,
      failureCounts: { ...prev.failureCounts, unknown: (prev.failureCounts.unknown ?? 0) + 1 },
    }))
    store.setOrderOverride('base', ['base:keep'])
    if (point === 'before-commit') {
      marker('before-commit')
      block(HOLD_MS)
    }
  })
}

switch (point) {
  case 'before-commit':
  case 'after-commit': {
    const store = CredentialStore.open(dbPath, { clock })
    batch(store)
    marker('after-commit')
    block(HOLD_MS)
    break
  }
  case 'mid-migration': {
    const Database = require('../../../node_modules/better-sqlite3')
    const db = new Database(dbPath, { timeout: 5000 })
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    let statements = 0
    // Only exec is intercepted; transaction(), pragma() and prepare() are the real ones.
    const spy = new Proxy(db, {
      get(target, prop) {
        if (prop === 'exec') {
          return (sql) => {
            const r = target.exec(sql)
            if (++statements === Number(extra ?? 1)) {
              marker('mid-migration', { inTransaction: target.inTransaction })
              block(HOLD_MS)
            }
            return r
          }
        }
        const v = Reflect.get(target, prop)
        return typeof v === 'function' ? v.bind(target) : v
      },
    })
    applyMigrations(spy, dbPath)
    marker('migrated')
    block(HOLD_MS)
    break
  }
  case 'hold-write': {
    const store = CredentialStore.open(dbPath)
    store.batch(() => {
      store.upsertProfile('held:x', { type: 'api_key', provider: 'held', key: 'k-held' })
      marker('holding')
      block(Number(extra ?? HOLD_MS))
    })
    marker('released')
    store.close()
    break
  }
  case 'checkpoint': {
    const store = CredentialStore.open(dbPath)
    const walLimit = Number(extra)
    const alive = deadline(20_000)
    const big = 'x'.repeat(16_000)
    let announced = false
    for (let n = 1; n < 10_000 && alive(); n++) {
      store.upsertProfile(`big:p${n % 200}`, {
        type: 'api_key',
        provider: 'big',
        key: `k-${n}`,
        metadata: { pad: big, gen: String(n) },
      })
      marker('committed', { n })
      let wal = 0
      try {
        wal = fs.statSync(`${dbPath}-wal`).size
      } catch {}
      if (!announced && wal >= walLimit) {
        announced = true
        marker('near-checkpoint', { wal })
      }
    }
    store.close()
    break
  }
  default:
    throw new Error(`unknown point ${point}`)
}
