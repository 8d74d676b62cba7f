import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import { CredentialStore } from './credential-store.ts'
import { openDatabase, openRawDatabase } from './db.ts'
import { SCHEMA_VERSION } from './migrations.ts'
import { apiKey, cleanupTempDirs, listDir, tempDir, tempStorePath } from './store.test-support.ts'

afterEach(cleanupTempDirs)

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

function mode(p: string): number {
  return fs.statSync(p).mode & 0o777
}

function catchError(fn: () => unknown): OpenclawError {
  try {
    fn()
  } catch (err) {
    if (OpenclawError.isInstance(err)) return err
    throw err
  }
  throw new Error('expected an OpenclawError')
}

function sha(p: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')
}

/** A healthy store with enough rows to span many pages. */
function populatedStore(): string {
  const p = tempStorePath()
  const store = CredentialStore.open(p)
  store.batch(() => {
    for (let i = 0; i < 300; i++)
      store.upsertProfile(`openai:p${i}`, apiKey('openai', `sk-${i}-${'x'.repeat(200)}`))
  })
  store.close()
  return p
}

function writeFixture(bytes: Buffer | string): string {
  const p = tempStorePath()
  fs.mkdirSync(path.dirname(p), { recursive: true })
  fs.writeFileSync(p, bytes)
  return p
}

describe('openDatabase: creation and modes', () => {
  it('creates the agent dir 0700 and the db, -wal and -shm 0600 with WAL + FULL sync', () => {
    const p = tempStorePath()
    const db = openDatabase(p)
    expect(mode(path.dirname(p))).toBe(0o700)
    for (const f of [p, `${p}-wal`, `${p}-shm`]) expect(mode(f)).toBe(0o600)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    db.close()
  })

  it('tightens loose modes on an existing store it owns', () => {
    const p = tempStorePath()
    openDatabase(p).close()
    fs.chmodSync(p, 0o644)
    fs.chmodSync(path.dirname(p), 0o777)
    openDatabase(p).close()
    expect(mode(p)).toBe(0o600)
    expect(mode(path.dirname(p))).toBe(0o700)
  })

  it('treats a 0-byte file as a new store', () => {
    const p = writeFixture('')
    const store = CredentialStore.open(p)
    store.upsertProfile('openai:a', apiKey('openai', 'sk'))
    expect(store.listProfiles()).toHaveLength(1)
    store.close()
    expect(listDir(path.dirname(p)).filter((f) => f.includes('.corrupt-'))).toEqual([])
  })

  it('repairs a lost table and ignores unknown tables and columns', () => {
    const p = tempStorePath()
    const store = CredentialStore.open(p)
    store.upsertProfile('openai:a', apiKey('openai', 'sk'))
    store.close()
    const raw = openRawDatabase(p)
    raw.exec(
      'DROP TABLE cooldowns; CREATE TABLE extra_stuff(x INTEGER); ALTER TABLE auth_profiles ADD COLUMN later TEXT',
    )
    raw.close()
    const again = CredentialStore.open(p)
    expect(again.listProfiles().map((x) => x.id)).toEqual(['openai:a'])
    expect(again.getState('openai:a').cooldowns).toEqual([])
    // Unknown columns are ignored on read and left alone on write.
    expect(again.upsertProfile('openai:b', apiKey('openai', 'sk-b')).generation).toBe(1)
    again.close()
  })

  it('follows a symlinked db file and writes through to its target', () => {
    const target = tempStorePath()
    CredentialStore.open(target).close()
    const link = path.join(tempDir(), 'openclaw-agent.sqlite')
    fs.symlinkSync(target, link)
    const viaLink = CredentialStore.open(link)
    viaLink.upsertProfile('openai:a', apiKey('openai', 'sk'))
    viaLink.close()
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true)
    const direct = CredentialStore.open(target, { readonly: true })
    expect(direct.listProfiles()).toHaveLength(1)
    direct.close()
  })
})

describe('openDatabase: refusals', () => {
  it('refuses a store written by a newer schema, unchanged', () => {
    const p = tempStorePath()
    openDatabase(p).close()
    const raw = openRawDatabase(p)
    raw.pragma('user_version = 99')
    raw.close()
    const before = sha(p)
    for (const readonly of [false, true]) {
      const err = catchError(() => openDatabase(p, { readonly }))
      expect(err.code).toBe('store_newer_schema')
      expect(err.message).toBe(
        `Credential store ${p} was written by a newer version (schema 99); this build supports up to ${SCHEMA_VERSION}. Upgrade openclaw.`,
      )
    }
    expect(sha(p)).toBe(before)
  })

  it('refuses a foreign OpenClaw store without writing anything', () => {
    const p = tempStorePath()
    fs.mkdirSync(path.dirname(p), { recursive: true })
    const raw = openRawDatabase(p)
    raw.exec('CREATE TABLE auth_profile_store(store_key TEXT PRIMARY KEY, store_json TEXT, updated_at INT)')
    raw.prepare('INSERT INTO auth_profile_store VALUES (?, ?, ?)').run('primary', '{"profiles":{}}', 1)
    raw.close()
    const before = sha(p)
    const files = listDir(path.dirname(p))
    for (const readonly of [false, true]) {
      const err = catchError(() => CredentialStore.open(p, { readonly }))
      expect(err.code).toBe('store_foreign')
      expect(err.message).toContain(p)
      expect(err.hint).toBe('run: openclaw doctor --fix (imports it)')
    }
    expect(sha(p)).toBe(before)
    expect(listDir(path.dirname(p))).toEqual(files)
    const check = openRawDatabase(p, { readonly: true })
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete')
    check.close()
    expect(tables).toEqual([{ name: 'auth_profile_store' }])
  })

  it('refuses an unrelated SQLite database named like the store', () => {
    const p = tempStorePath()
    fs.mkdirSync(path.dirname(p), { recursive: true })
    const raw = openRawDatabase(p)
    raw.exec('CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)')
    raw.close()
    const before = sha(p)
    expect(catchError(() => CredentialStore.open(p)).code).toBe('store_foreign')
    expect(sha(p)).toBe(before)
  })
})

describe('openDatabase: corrupt files are moved aside, never reused', () => {
  const page = 4096
  const cases: [string, () => string][] = [
    ['random bytes', () => writeFixture(crypto.randomBytes(8 * page))],
    ['a JSON file named like the DB', () => writeFixture(JSON.stringify({ version: 1, profiles: {} }))],
    [
      'a valid DB truncated at a page boundary',
      () => {
        const p = populatedStore()
        fs.truncateSync(p, Math.floor(fs.statSync(p).size / page / 2) * page)
        return p
      },
    ],
    [
      'a valid DB with random bytes in the middle',
      () => {
        const p = populatedStore()
        const fd = fs.openSync(p, 'r+')
        fs.writeSync(fd, crypto.randomBytes(3 * page), 0, 3 * page, 5 * page)
        fs.closeSync(fd)
        return p
      },
    ],
    [
      'a valid header followed by garbage',
      () => {
        const p = populatedStore()
        const bytes = fs.readFileSync(p)
        crypto.randomBytes(bytes.length - 100).copy(bytes, 100)
        fs.writeFileSync(p, bytes)
        return p
      },
    ],
  ]

  for (const [name, make] of cases) {
    it(name, () => {
      const p = make()
      const before = sha(p)
      const neighbour = path.join(path.dirname(p), '..', '..', 'other', 'agent', 'openclaw-agent.sqlite')
      CredentialStore.open(neighbour).close()

      const err = catchError(() =>
        CredentialStore.open(p, { clock: () => Date.UTC(2026, 10, 22, 3, 4, 5, 6) }),
      )
      expect(err.code).toBe('store_corrupt')
      const aside = `${p}.corrupt-2026-11-22T03-04-05-006Z`
      expect(err.message).toContain(p)
      expect(err.message).toContain(aside)
      expect(err.hint).toContain('openclaw doctor')
      expect(err.details).toMatchObject({ path: p, movedTo: aside })
      expect(fs.existsSync(p)).toBe(false)
      expect(sha(aside)).toBe(before)

      const other = CredentialStore.open(neighbour, { readonly: true })
      expect(other.listProfiles()).toEqual([])
      other.close()
    })
  }

  it('moves -wal and -shm along and never overwrites an earlier aside file', () => {
    const p = writeFixture(crypto.randomBytes(4096))
    fs.writeFileSync(`${p}-wal`, 'wal bytes')
    fs.writeFileSync(`${p}-shm`, 'shm bytes')
    const clock = () => Date.UTC(2026, 0, 1)
    const first = catchError(() => CredentialStore.open(p, { clock }))
    const aside = first.details?.movedTo as string
    expect(fs.readFileSync(`${aside}-wal`, 'utf8')).toBe('wal bytes')
    // -shm is SQLite's rebuildable index of the -wal; only its presence matters.
    expect(fs.existsSync(`${aside}-shm`)).toBe(true)

    fs.writeFileSync(p, 'not a database either, and long enough to be read as a header..............')
    const second = catchError(() => CredentialStore.open(p, { clock }))
    expect(second.details?.movedTo).toBe(`${aside}-1`)
    expect(fs.existsSync(aside)).toBe(true)
  })

  it('a read-only open reports corruption but leaves the file in place', () => {
    const p = writeFixture(crypto.randomBytes(8192))
    const err = catchError(() => CredentialStore.open(p, { readonly: true }))
    expect(err.code).toBe('store_corrupt')
    expect(err.message).toContain(p)
    expect(err.message).toContain('left in place (opened read-only)')
    expect(fs.existsSync(p)).toBe(true)
    expect(listDir(path.dirname(p))).toEqual(['openclaw-agent.sqlite'])
  })
})

describe('openDatabase: permissions and locking', () => {
  it.skipIf(isRoot)('a read-only state dir gives store_readonly for writes and still reads', () => {
    const p = tempStorePath()
    const store = CredentialStore.open(p)
    store.upsertProfile('openai:a', apiKey('openai', 'sk'))
    store.close()
    fs.chmodSync(path.dirname(p), 0o500)
    try {
      const err = catchError(() => CredentialStore.open(p))
      expect(err.code).toBe('store_readonly')
      expect(err.message).toContain(`state dir not writable: ${path.dirname(p)}`)
      const ro = CredentialStore.open(p, { readonly: true })
      expect(ro.listProfiles().map((x) => x.id)).toEqual(['openai:a'])
      ro.close()
    } finally {
      fs.chmodSync(path.dirname(p), 0o700)
    }
  })

  it('a writer blocked past busy_timeout gets a retryable store_busy, and nothing is half-written', () => {
    const p = tempStorePath()
    const holder = CredentialStore.open(p)
    const waiter = CredentialStore.open(p, { busyTimeoutMs: 50 })
    let err: OpenclawError | undefined
    holder.batch(() => {
      holder.upsertProfile('openai:held', apiKey('openai', 'sk-held'))
      err = catchError(() => waiter.upsertProfile('openai:late', apiKey('openai', 'sk-late')))
    })
    expect(err?.code).toBe('store_busy')
    expect(err?.retryable).toBe(true)
    expect(err?.message).toContain(p)
    expect(err?.message).toContain('another openclaw process holds the write lock; retry')
    expect(err?.message).not.toContain('sk-late')
    expect(waiter.listProfiles().map((x) => x.id)).toEqual(['openai:held'])
    holder.close()
    waiter.close()
  })
})
