/**
 * B-11 applied: the journal mode a store gets where it is opened for writing, on a fake mount
 * table (fixture mountinfo text) that puts this test's temp root on nfs4 or sshfs. The files are
 * real (on the box's local disk); only the classification is faked, since mounting NFS needs
 * root and a server.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { OpenclawError } from '../../src/errors.ts'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { openRawDatabase } from '../../src/store/db.ts'
import { MOUNTINFO_PATH, overrideMountinfo, storeFilesystem } from '../../src/store/store-filesystem.ts'
import { setStoreNoticeSink } from '../../src/store/store-notices.ts'
import { makeTempHome } from '../support/cli.ts'
import { runMain } from './harness/in-process-cli.ts'
import { cleanupTempRoots, finish, startWorker, storePathIn, tempRoot } from './harness/workers.ts'

afterAll(cleanupTempRoots)

let notices: string[] = []
let restoreSink: ((line: string) => void) | undefined
beforeEach(() => {
  notices = []
  restoreSink = setStoreNoticeSink((line) => notices.push(line))
})
afterEach(() => {
  overrideMountinfo(undefined)
  if (restoreSink) setStoreNoticeSink(restoreSink)
})

/** The real root stays ext4; `dir` becomes a mount of `fsType`. */
function mountAs(dir: string, fsType: string): void {
  const real = fs.realpathSync(dir).replace(/ /g, '\\040')
  overrideMountinfo(
    [
      '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
      `99 27 0:99 / ${real} rw,relatime - ${fsType} srv:/x rw`,
    ].join('\n'),
  )
}

const journalMode = (p: string) => {
  const raw = openRawDatabase(p, { readonly: true })
  try {
    return String(raw.pragma('journal_mode', { simple: true }))
  } finally {
    raw.close()
  }
}

const key = (k: string) => ({ type: 'api_key' as const, provider: 'p', key: k })

function caught(fn: () => unknown): OpenclawError {
  try {
    fn()
  } catch (err) {
    if (OpenclawError.isInstance(err)) return err
    throw err
  }
  throw new Error('expected an OpenclawError')
}

describe('B-11 journal mode where stores are opened for writing', () => {
  it('a new store on nfs4 gets a rollback journal, with one warning per mount saying why', () => {
    const root = tempRoot('b11-nfs')
    mountAs(root, 'nfs4')
    const a = storePathIn(root, 'alpha')
    const b = storePathIn(root, 'beta')
    const sa = CredentialStore.open(a)
    const sb = CredentialStore.open(b)
    sa.upsertProfile('p:1', key('k1'))
    sb.upsertProfile('p:2', key('k2'))
    expect(fs.existsSync(`${a}-wal`)).toBe(false)
    sa.close()
    sb.close()
    expect(journalMode(a)).toBe('delete')
    expect(journalMode(b)).toBe('delete')
    expect(notices).toHaveLength(1)
    expect(notices[0]).toContain(`warning: credential store ${a}: it is on a nfs4 filesystem`)
    expect(notices[0]).toContain('rollback journal')
    expect(notices[0]).toContain(`(mount ${fs.realpathSync(root)})`)
    const again = CredentialStore.open(a)
    expect(again.getProfile('p:1')?.credential).toEqual(key('k1'))
    again.close()
  })

  it('an existing WAL store on nfs4 is switched on its next open, commits left in its WAL kept', async () => {
    const root = tempRoot('b11-switch')
    const p = storePathIn(root)
    const base = CredentialStore.open(p)
    base.upsertProfile('base:keep', key('kk'))
    base.upsertProfile('base:del', key('kd'))
    base.close()
    // A writer killed right after COMMIT leaves its commits in the WAL, not yet in the file.
    const w = startWorker('kill-point.mjs', ['after-commit', p])
    await w.waitForMarker('after-commit')
    w.killGroup('SIGKILL')
    await finish(w)
    expect(fs.statSync(`${p}-wal`).size).toBeGreaterThan(0)
    mountAs(root, 'nfs4')
    const s = CredentialStore.open(p)
    expect(
      s
        .listProfiles()
        .map((x) => x.id)
        .sort(),
    ).toEqual(['base:keep', 'new:x'])
    s.upsertProfile('p:new', key('kn'))
    s.close()
    expect(journalMode(p)).toBe('delete')
    expect(fs.existsSync(`${p}-wal`)).toBe(false)
    expect(
      notices.some((n) => n.includes(`credential store ${p} was in WAL mode on nfs4; switched it`)),
    ).toBe(true)
    const ro = CredentialStore.open(p, { readonly: true })
    expect(
      ro
        .listProfiles()
        .map((x) => x.id)
        .sort(),
    ).toEqual(['base:keep', 'new:x', 'p:new'])
    ro.close()
  })

  it('while another connection has it open in WAL, it stays WAL (no wait, no failure) and switches later', () => {
    const root = tempRoot('b11-busy')
    const p = storePathIn(root)
    const holder = CredentialStore.open(p)
    holder.upsertProfile('p:held', key('kh'))
    mountAs(root, 'nfs4')
    const started = Date.now()
    const s = CredentialStore.open(p)
    // Not the 5 s busy timeout: the switch is tried without waiting.
    expect(Date.now() - started).toBeLessThan(2000)
    s.upsertProfile('p:2', key('k2'))
    expect(holder.getProfile('p:2')?.credential).toEqual(key('k2'))
    s.close()
    expect(notices.some((n) => n.includes('still in WAL mode: another process has it open'))).toBe(true)
    expect(journalMode(p)).toBe('wal')
    holder.close()
    const later = CredentialStore.open(p)
    expect(
      later
        .listProfiles()
        .map((x) => x.id)
        .sort(),
    ).toEqual(['p:2', 'p:held'])
    later.close()
    expect(journalMode(p)).toBe('delete')
  })

  it('sshfs: refused before anything is created, naming the path and the fix; reads still work', () => {
    const root = tempRoot('b11-sshfs')
    mountAs(root, 'fuse.sshfs')
    const p = storePathIn(root)
    const err = caught(() => CredentialStore.open(p))
    expect(err.code).toBe('store_unsupported_fs')
    expect(err.exitCode).toBe(1)
    expect(err.message).toContain(`Credential store ${p} cannot be opened for writing: it is on sshfs`)
    expect(err.hint).toContain('OPENCLAW_STATE_DIR')
    expect(fs.readdirSync(root)).toEqual([])
    const ro = CredentialStore.open(p, { readonly: true })
    expect(ro.listProfiles()).toEqual([])
    ro.close()
  })

  it('sshfs through the CLI: exit 1, the message and the fix, no stack trace, nothing written', async () => {
    const home = makeTempHome()
    try {
      fs.mkdirSync(home.stateDir, { recursive: true, mode: 0o700 })
      mountAs(home.stateDir, 'fuse.sshfs')
      const r = await runMain(['models', 'auth', 'paste-api-key', '--provider', 'openai'], {
        env: home.env,
        cwd: home.home,
        stdin: 'sk-not-a-real-key-b11\n',
      })
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`cannot be opened for writing: it is on sshfs`)
      expect(r.stderr).toContain('OPENCLAW_STATE_DIR')
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stderr).not.toContain('sk-not-a-real-key-b11')
      expect(fs.existsSync(home.storePath())).toBe(false)
    } finally {
      fs.rmSync(home.home, { recursive: true, force: true })
    }
  })

  it('unknown filesystem type: rollback journal; no mountinfo at all (macOS): WAL, as local', () => {
    const root = tempRoot('b11-unknown')
    mountAs(root, 'fuse.rclone')
    const p = storePathIn(root)
    CredentialStore.open(p).close()
    expect(journalMode(p)).toBe('delete')
    expect(notices[0]).toContain('fuse.rclone is not one openclaw knows to be local')
    overrideMountinfo(null)
    const q = storePathIn(tempRoot('b11-noproc'))
    CredentialStore.open(q).close()
    expect(journalMode(q)).toBe('wal')
    expect(storeFilesystem(path.dirname(q))).toMatchObject({ known: false, policy: { mode: 'wal' } })
  })

  it('mountinfo is read once per process and only by read-write opens', () => {
    overrideMountinfo(undefined)
    const spy = vi.spyOn(fs, 'readFileSync')
    try {
      const root = tempRoot('b11-once')
      const p = storePathIn(root)
      CredentialStore.open(p).close()
      CredentialStore.open(storePathIn(root, 'other')).close()
      CredentialStore.open(p, { readonly: true }).close()
      const reads = spy.mock.calls.filter((c) => c[0] === MOUNTINFO_PATH).length
      expect(reads).toBe(1)
      overrideMountinfo(undefined)
      CredentialStore.open(p, { readonly: true }).close()
      expect(spy.mock.calls.filter((c) => c[0] === MOUNTINFO_PATH).length).toBe(1)
    } finally {
      spy.mockRestore()
    }
  })
})
