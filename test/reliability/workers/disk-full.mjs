/**
 * B-06 worker: saves credentials into a store that runs out of space, then checks what is left.
 * argv: <mode> <dbPath>
 *   ulimit  the store exists (parent made it); the shell set `ulimit -f` just above its size
 *   tmpfs   run inside `unshare -rm` with a tiny tmpfs mounted on the store's root: creates the
 *           store, fills the filesystem with a filler file, saves (ENOSPC), frees the space,
 *           saves again
 * Reports { saved, error, baseAfter, retry, integrity } as a `result` line.
 */
import fs from 'node:fs'
import path from 'node:path'
import { CredentialStore } from '../../../dist/store/credential-store.js'
import { openRawDatabase } from '../../../dist/store/db.js'
import { errorInfo, report } from './worker-lib.mjs'

const [mode, dbPath] = process.argv.slice(2)
const filler = path.join(path.dirname(path.dirname(dbPath)), 'filler.bin')
const out = { mode, saved: 0 }

function fill() {
  const chunk = Buffer.alloc(64 * 1024, 7)
  const fd = fs.openSync(filler, 'w')
  try {
    for (let i = 0; i < 4096; i++) fs.writeSync(fd, chunk)
    out.fill = 'never filled'
  } catch (err) {
    out.fill = err.code
  } finally {
    fs.closeSync(fd)
  }
}

let store = CredentialStore.open(dbPath)
if (mode === 'tmpfs') {
  store.upsertProfile('base:a', {
    type: 'oauth',
    provider: 'base',
    access: 'acc-1',
    refresh: 'ref-1',
    expires: 1,
  })
  fill()
}
const big = 'x'.repeat(24 * 1024)
for (let i = 0; i < 400 && out.error === undefined; i++) {
  try {
    // A "rotated OAuth pair" save: the write that must never half-happen.
    store.upsertProfile(`big:p${i}`, {
      type: 'api_key',
      provider: 'big',
      key: `k-${i}`,
      metadata: { pad: big },
    })
    out.saved++
  } catch (err) {
    out.error = errorInfo(err)
  }
}
try {
  out.baseAfter = store.getProfile('base:a')?.credential
  out.countAfter = store.listProfiles().length
} catch (err) {
  out.readError = errorInfo(err)
}
if (mode === 'tmpfs') {
  fs.rmSync(filler, { force: true })
  try {
    store.upsertProfile('base:a', {
      type: 'oauth',
      provider: 'base',
      access: 'acc-2',
      refresh: 'ref-2',
      expires: 2,
    })
    out.retry = store.getProfile('base:a')?.credential
  } catch (err) {
    out.retry = errorInfo(err)
  }
}
store.close()
try {
  store = CredentialStore.open(dbPath)
  store.close()
  const raw = openRawDatabase(dbPath, { readonly: true })
  out.integrity = raw.pragma('integrity_check', { simple: true })
  raw.close()
} catch (err) {
  out.reopen = errorInfo(err)
}
report(out)
