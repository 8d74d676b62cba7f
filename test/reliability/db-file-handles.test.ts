/**
 * B-09: nothing may open the store's files behind SQLite's back in a process that has the store
 * open: closing any descriptor of a file drops every POSIX lock the process holds on it
 * (SQLite "How to corrupt" 2.2). A source guard keeps fd-level fs calls on store paths inside the
 * DB layer; a lock probe (/proc/locks) checks the DB layer itself (it once did not: a second
 * read-write open dropped the first connection's lock).
 *
 * B-12: a child process never inherits the store's descriptors (SQLite opens with O_CLOEXEC and
 * spawn passes only stdio), and a child writing through its own connection while the parent
 * writes through one it kept open loses nothing.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AgentRuntime } from '../../src/runtime/agent-runtime.ts'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { makeTempHome } from '../support/cli.ts'
import { HEALTHY, storeHealth } from './harness/store-health.ts'
import { cleanupTempRoots, finish, REPO_ROOT, startWorker, storePathIn, tempRoot } from './harness/workers.ts'

afterAll(cleanupTempRoots)

/** POSIX locks this process holds on `file` (Linux /proc/locks). */
function locksHeld(file: string): string[] {
  const ino = fs.statSync(file).ino
  return fs
    .readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .filter((l) => l.split(/\s+/).includes(String(process.pid)) && l.includes(`:${ino} `))
}

const SRC = path.join(REPO_ROOT, 'src')
/** fd-level fs calls: each one opens (and later closes) a descriptor or rewrites the file. */
const FD_CALL = /\bfs\.(open|read|write|copy|truncate|cp|appendFile|create(Read|Write)Stream)\w*\(([^)]*)\)/g
const STORE_ARG = /storePath|dbPath|STORE_FILE_NAME|\.sqlite|-wal|-shm|-journal/
/** The DB layer itself; its own fd uses are checked by the lock probe below. */
const DB_LAYER = new Set(['store/db.ts', 'store/corrupt-aside.ts'])

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(p)
    return e.name.endsWith('.ts') && !e.name.includes('.test') && !e.name.includes('test-support') ? [p] : []
  })
}

describe('B-09 no fs access to store files behind SQLite', () => {
  it('source guard: outside the DB layer no fd-level fs call takes a store path', () => {
    const offenders: string[] = []
    for (const file of sourceFiles(SRC)) {
      const rel = path.relative(SRC, file)
      if (DB_LAYER.has(rel)) continue
      const text = fs.readFileSync(file, 'utf8')
      for (const m of text.matchAll(FD_CALL)) {
        if (STORE_ARG.test(m[3] ?? '')) offenders.push(`${rel}: ${m[0]}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('a second read-only open in the same process keeps the first connection’s lock', () => {
    const p = storePathIn(tempRoot('b09-ro'))
    const a = CredentialStore.open(p)
    a.upsertProfile('p:1', { type: 'api_key', provider: 'p', key: 'k' })
    a.listProfiles()
    const before = locksHeld(p)
    const b = CredentialStore.open(p, { readonly: true })
    b.listProfiles()
    expect(before.length).toBeGreaterThan(0)
    expect(locksHeld(p)).toEqual(before)
    b.close()
    a.close()
  })

  // Was a bug: openReadWrite created the file with closeSync(openSync(O_RDWR | O_CREAT)) on
  // every open, and that close dropped the lock an already open connection of this process held,
  // so another process could switch the store out of WAL and a commit was lost. The file is now
  // created only when missing.
  it('a second read-write open in the same process keeps the first connection’s lock', () => {
    const p = storePathIn(tempRoot('b09-rw'))
    const a = CredentialStore.open(p)
    a.upsertProfile('p:1', { type: 'api_key', provider: 'p', key: 'k' })
    a.listProfiles()
    const before = locksHeld(p)
    expect(before.length).toBeGreaterThan(0)
    const b = CredentialStore.open(p)
    b.listProfiles()
    expect(locksHeld(p)).toEqual(before)
    b.close()
    expect(locksHeld(p)).toEqual(before)
    a.close()
  })

  it('the product path AgentRuntime.store() then writableStore() keeps it too', () => {
    const t = makeTempHome()
    const seed = CredentialStore.open(t.storePath())
    seed.upsertProfile('openai:a', { type: 'api_key', provider: 'openai', key: 'k' })
    seed.close()
    const runtime = AgentRuntime.open({ env: t.env, cwd: t.home })
    try {
      runtime.store().listProfiles()
      const before = locksHeld(t.storePath())
      expect(before.length).toBeGreaterThan(0)
      runtime.writableStore()
      expect(locksHeld(t.storePath())).toEqual(before)
    } finally {
      runtime.close()
    }
  })

  it('with a second connection open, neither the product’s SQLite nor the system sqlite3 can switch the store out of WAL', () => {
    const p = storePathIn(tempRoot('b09-loss'))
    const a = CredentialStore.open(p)
    a.upsertProfile('p:1', { type: 'api_key', provider: 'p', key: 'k' })
    a.listProfiles()
    const b = CredentialStore.open(p)
    const peer = `const D=require(${JSON.stringify(path.join(REPO_ROOT, 'node_modules', 'better-sqlite3'))});const db=new D(${JSON.stringify(p)},{timeout:200});try{console.log(db.pragma('journal_mode=DELETE',{simple:true}))}catch(e){console.log(e.code)}db.close()`
    expect(spawnSync(process.execPath, ['-e', peer], { encoding: 'utf8' }).stdout.trim()).toBe('SQLITE_BUSY')
    const cli = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' })
    if (cli.status === 0) {
      // The system sqlite3 (3.40 here) only checks the database-file lock, which is now kept.
      const q = spawnSync('sqlite3', [p, '.timeout 200', 'PRAGMA journal_mode=DELETE;'], { encoding: 'utf8' })
      expect(q.stdout.trim()).not.toBe('delete')
      a.upsertProfile('p:2', { type: 'api_key', provider: 'p', key: 'k' })
    }
    b.close()
    a.close()
    const after = CredentialStore.open(p, { readonly: true })
    expect(after.listProfiles().map((x) => x.id)).toEqual(cli.status === 0 ? ['p:1', 'p:2'] : ['p:1'])
    after.close()
  })
})

describe('B-12 child processes and open connections', () => {
  it('a spawned child inherits none of the store’s descriptors', () => {
    const p = storePathIn(tempRoot('b12-fds'))
    const store = CredentialStore.open(p)
    store.upsertProfile('p:1', { type: 'api_key', provider: 'p', key: 'k' })
    const dump =
      "const fs=require('fs');for(const f of fs.readdirSync('/proc/self/fd')){try{console.log(fs.readlinkSync('/proc/self/fd/'+f))}catch{}}"
    for (const stdio of ['pipe', 'inherit'] as const) {
      const r = spawnSync(process.execPath, ['-e', dump], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', stdio],
      })
      expect(r.status).toBe(0)
      const fds = r.stdout.split('\n').filter((l) => l.includes(path.basename(p)))
      expect(fds, `stdio ${stdio}`).toEqual([])
    }
    store.close()
  })

  it('parent and child write the same counter through their own connections: exact total, healthy store', async () => {
    const p = storePathIn(tempRoot('b12-rw'))
    const store = CredentialStore.open(p)
    const bump = () =>
      store.updateState('shared:c', (prev) => ({
        ...prev,
        failureCounts: { unknown: (prev.failureCounts.unknown ?? 0) + 1 },
      }))
    bump()
    const child = startWorker(path.join(REPO_ROOT, 'test', 'workers', 'store-increment.mjs'), [
      p,
      'shared:c',
      '300',
    ])
    child.child.stdin?.end('go\n')
    // The parent keeps writing while the child runs, yielding to the event loop between writes.
    for (let i = 0; i < 299; i++) {
      bump()
      if (i % 10 === 0) await new Promise((r) => setImmediate(r))
    }
    const exit = await finish(child)
    expect(exit.code, child.stderr).toBe(0)
    expect(child.result<{ done: number; errors: string[] }>()).toEqual({ done: 300, errors: [] })
    expect(store.getState('shared:c').failureCounts).toEqual({ unknown: 600 })
    store.close()
    expect(storeHealth(p)).toEqual(HEALTHY)
  })
})
