/**
 * seeded corruption of a populated store (page-boundary truncation, random bytes over
 * pages, a zeroed page, garbage after the header): every open either refuses with store_corrupt
 * and moves the bytes aside untouched, or opens with every row intact. It never "starts fresh"
 * and never returns a partial store. (The fixed cases are src/store/db.test.ts.)
 * a store file owned by another uid is never chmod-ed, and every command, the gateway and
 * doctor warn about it (and about a foreign-owned state dir); a symlinked agent dir is followed.
 * concurrent `paste-api-key` into two agents while a third process reads: every key lands
 * in the agent named on its command line and nowhere else.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { OpenclawError } from '../../src/errors.ts'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { type CliResult, canary, expectNoCanary, makeTempHome } from '../support/cli.ts'
import { startTestGateway } from '../support/gateway-harness.ts'
import { type MockProvider, startMockProvider } from '../support/mock-provider/index.ts'
import { testSeed } from './harness/seed.ts'
import { cleanupTempRoots, storePathIn, tempRoot } from './harness/workers.ts'

afterAll(cleanupTempRoots)

const PAGE = 4096
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const sha = (p: string) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')

function populated(dbPath: string, rows: number): Map<string, string> {
  const store = CredentialStore.open(dbPath)
  const keys = new Map<string, string>()
  store.batch(() => {
    for (let i = 0; i < rows; i++) {
      const key = `k-${i}-${'z'.repeat(150)}`
      store.upsertProfile(`p:${i}`, { type: 'api_key', provider: 'p', key })
      store.updateState(`p:${i}`, (s) => ({ ...s, failureCounts: { unknown: i } }))
      keys.set(`p:${i}`, key)
    }
  })
  store.close()
  return keys
}

describe('A-01 seeded corruption never silently starts fresh', () => {
  it('each corrupted store is refused and kept aside, or opens with every row intact', () => {
    const rng = testSeed('A-01')
    const outcomes = { corrupt: 0, intact: 0, emptyFile: 0 }
    const root = tempRoot('a01')
    const neighbour = storePathIn(root, 'neighbour')
    populated(neighbour, 3)
    // One closed, checkpointed template copied per run (no connection is open on it).
    const template = storePathIn(root, 'template')
    const keys = populated(template, 400)
    for (let run = 0; run < 16; run++) {
      const dbPath = storePathIn(root, `a${run}`)
      fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 })
      fs.copyFileSync(template, dbPath)
      const size = fs.statSync(dbPath).size
      const pages = size / PAGE
      const kind = rng.pick(['truncate', 'random-pages', 'zero-page', 'header-then-garbage'] as const)
      const fd = fs.openSync(dbPath, 'r+')
      if (kind === 'truncate') fs.ftruncateSync(fd, rng.int(0, pages - 1) * PAGE)
      if (kind === 'random-pages') {
        const at = rng.int(1, pages - 1)
        const n = rng.int(1, Math.min(4, pages - at))
        fs.writeSync(fd, crypto.randomBytes(n * PAGE), 0, n * PAGE, at * PAGE)
      }
      if (kind === 'zero-page') fs.writeSync(fd, Buffer.alloc(PAGE), 0, PAGE, rng.int(1, pages - 1) * PAGE)
      if (kind === 'header-then-garbage') fs.writeSync(fd, crypto.randomBytes(size - 100), 0, size - 100, 100)
      fs.closeSync(fd)
      const corruptedSize = fs.statSync(dbPath).size
      const before = sha(dbPath)
      const what = `run ${run}: ${kind} (seed ${rng.seed})`
      let store: CredentialStore | undefined
      try {
        store = CredentialStore.open(dbPath)
      } catch (err) {
        if (!OpenclawError.isInstance(err)) throw err
        expect(err.code, what).toBe('store_corrupt')
        const aside = err.details?.movedTo as string
        expect(err.message, what).toContain(aside)
        expect(sha(aside), what).toBe(before)
        expect(fs.existsSync(dbPath), what).toBe(false)
        outcomes.corrupt++
        continue
      }
      // Opened: then nothing may be missing or different. A file truncated to 0 bytes is the one
      // case read as a new store (the product creates its file empty before SQLite first writes).
      try {
        const ids = store.listProfiles().map((p) => p.id)
        if (corruptedSize === 0) {
          expect(ids, what).toEqual([])
          outcomes.emptyFile++
          continue
        }
        expect(ids.length, what).toBe(keys.size)
        for (const [id, key] of keys)
          expect(store.getProfile(id)?.credential, `${what} ${id}`).toMatchObject({ key })
        outcomes.intact++
      } finally {
        store.close()
      }
    }
    const other = CredentialStore.open(neighbour, { readonly: true })
    expect(other.listProfiles()).toHaveLength(3)
    other.close()
    console.log(
      `A-01: ${outcomes.corrupt} refused as store_corrupt, ${outcomes.intact} opened intact, ` +
        `${outcomes.emptyFile} truncated to 0 bytes and read as new (seed ${rng.seed})`,
    )
  })
})

describe('A-04 ownership and symlinks', () => {
  it.runIf(isRoot)('a store file owned by another uid is opened but never chmod-ed', () => {
    const dbPath = storePathIn(tempRoot('a04-owner'))
    CredentialStore.open(dbPath).close()
    fs.chmodSync(dbPath, 0o644)
    fs.chownSync(dbPath, 65534, 65534)
    const store = CredentialStore.open(dbPath)
    store.upsertProfile('p:1', { type: 'api_key', provider: 'p', key: 'k' })
    store.close()
    // Foreign owner: left alone (reported by doctor, issue 6), never tightened behind the owner's back.
    expect(fs.statSync(dbPath).mode & 0o777).toBe(0o644)
    expect(fs.statSync(dbPath).uid).toBe(65534)
  })

  it.runIf(isRoot)(
    'a foreign-owned state dir and store: commands, the gateway and doctor say so; nothing chmod-ed',
    async () => {
      const t = makeTempHome()
      const key = canary('sk-proj-')
      const paste = await t.run(
        ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', 'openai:a'],
        {
          stdin: `${key}\n`,
        },
      )
      expect(paste.code, paste.stderr).toBe(0)
      expect(paste.stderr).not.toContain('is owned by uid')
      const store = t.storePath()
      fs.chmodSync(store, 0o644)
      fs.chownSync(store, 65534, 65534)
      fs.chownSync(t.stateDir, 65534, 65534)
      const warning = (what: string, p: string) =>
        `warning: ${what} ${p} is owned by uid 65534, not by you (uid 0): openclaw does not change its mode, and that user can read or replace the credentials in it (a \`sudo openclaw\` run leaves such files behind). Fix: sudo chown -R 0 ${p}, or run openclaw as uid 65534.`
      const outputs: string[] = [paste.stdout, paste.stderr]
      try {
        for (const argv of [
          ['models', 'status'],
          ['models', 'auth', 'list'],
        ]) {
          const r = await t.run(argv)
          outputs.push(r.stdout, r.stderr)
          expect(r.code, r.stderr).toBe(0)
          expect(r.stderr).toContain(warning('state dir', t.stateDir))
          expect(r.stderr).toContain(warning('credential store', store))
          expect(r.stderr).not.toContain(`agent dir ${path.dirname(store)} is owned`)
        }
        const doctor = await t.run(['doctor', '--json'])
        outputs.push(doctor.stdout, doctor.stderr)
        const findings = JSON.parse(doctor.stdout).findings as Array<{
          id: string
          title: string
          fix?: { command?: string }
        }>
        for (const p of [t.stateDir, store]) {
          expect(findings.find((f) => f.id === `files.owner:${p}`)).toMatchObject({
            title: `${p} belongs to uid 65534, not to you (uid 0)`,
            fix: { command: `sudo chown -R 0 ${p}` },
          })
        }
        const fix = await t.run(['doctor', '--fix'])
        outputs.push(fix.stdout, fix.stderr)
        expect(fs.statSync(store).mode & 0o777).toBe(0o644)
        expect(fs.statSync(store).uid).toBe(65534)

        const mock: MockProvider = await startMockProvider()
        const gw = await startTestGateway({
          mock,
          setup: (home) => {
            fs.mkdirSync(path.dirname(home.storePath()), { recursive: true })
            CredentialStore.open(home.storePath()).close()
            fs.chownSync(home.storePath(), 65534, 65534)
          },
        })
        try {
          gw.state.view('main')
          const lines = gw.logs.filter((l) => l.includes('is owned by uid 65534'))
          expect(lines).toEqual([
            `warn: ${warning('credential store', gw.home.storePath()).slice('warning: '.length)}`,
          ])
        } finally {
          await gw.close()
          await mock.close()
        }
      } finally {
        fs.chownSync(t.stateDir, 0, 0)
      }
      expectNoCanary(outputs, [key])
    },
  )

  it('a symlinked agent dir is followed: the store lives at the target, the link is kept', () => {
    const root = tempRoot('a04-dirlink')
    const real = path.join(root, 'elsewhere', 'agent')
    fs.mkdirSync(real, { recursive: true, mode: 0o700 })
    const dbPath = storePathIn(root)
    fs.mkdirSync(path.dirname(path.dirname(dbPath)), { recursive: true })
    fs.symlinkSync(real, path.dirname(dbPath))
    const store = CredentialStore.open(dbPath)
    store.upsertProfile('p:1', { type: 'api_key', provider: 'p', key: 'k' })
    store.close()
    expect(fs.lstatSync(path.dirname(dbPath)).isSymbolicLink()).toBe(true)
    expect(fs.readdirSync(real)).toContain('openclaw-agent.sqlite')
    expect(fs.statSync(path.join(real, 'openclaw-agent.sqlite')).mode & 0o777).toBe(0o600)
  })
})

describe('A-08 concurrent saves into different agents', () => {
  it('two writers and a reader at once: each key lands in the agent named on its command line', async () => {
    const t = makeTempHome()
    const keys = { alpha: [] as string[], beta: [] as string[] }
    const outputs: CliResult[] = []
    const paste = async (agent: 'alpha' | 'beta', i: number) => {
      const key = canary('sk-proj-')
      keys[agent].push(key)
      const r = await t.run(
        [
          'models',
          'auth',
          'paste-api-key',
          '--agent',
          agent,
          '--provider',
          'openai',
          '--profile-id',
          `openai:${agent}-${i}`,
        ],
        { stdin: `${key}\n` },
      )
      outputs.push(r)
      expect(r.code, r.stderr).toBe(0)
    }
    const read = async (agent: 'alpha' | 'beta') => {
      const r = await t.run(['models', 'auth', 'list', '--json', '--agent', agent])
      outputs.push(r)
      expect(r.code, r.stderr).toBe(0)
      const other = agent === 'alpha' ? 'beta' : 'alpha'
      expect(r.stdout).not.toContain(`openai:${other}-`)
    }
    for (let round = 0; round < 3; round++) {
      await Promise.all([paste('alpha', round), paste('beta', round), read(round % 2 ? 'alpha' : 'beta')])
    }
    for (const agent of ['alpha', 'beta'] as const) {
      const store = CredentialStore.open(t.storePath(agent), { readonly: true })
      const rows = store.listProfiles()
      store.close()
      expect(rows.map((p) => p.id)).toEqual([0, 1, 2].map((i) => `openai:${agent}-${i}`))
      expect(rows.map((p) => (p.credential as { key: string }).key)).toEqual(keys[agent])
    }
    expect(fs.existsSync(t.storePath('main'))).toBe(false)
    expectNoCanary(
      outputs.flatMap((r) => [r.stdout, r.stderr]),
      [...keys.alpha, ...keys.beta],
    )
  }, 60_000)
})
