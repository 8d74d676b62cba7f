/**
 * B-10 and the B-02 backup kill point, through the product's `openclaw backup`:
 * - the `cp` hazard (wal-and-backup.test.ts): commits still in the WAL of a store held open,
 *   as by a running gateway; the product's backup has every row;
 * - a restore as docs/backup.md describes it (copy the file back into a state dir), read by
 *   the product: every profile there, credentials intact;
 * - never overwriting an existing backup; clear usage errors;
 * - SIGKILL mid-copy and right before the publishing rename: nothing that looks like a
 *   complete backup is left, and the next run removes the partial and succeeds.
 * Every key is a canary; backups sit under the test's state dir, where the canary scan reads
 * every non-secret column of every SQLite file and every other file in full.
 */
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/store/credential-store.ts'
import { openRawDatabase } from '../../src/store/db.ts'
import { canary, expectNoCanary, makeTempHome, type TempHome } from '../support/cli.ts'
import { snapshotStateDir } from '../support/gateway-harness.ts'
import { runMain } from './harness/in-process-cli.ts'
import { finish, startWorker } from './harness/workers.ts'

const homes: TempHome[] = []
afterAll(() => {
  for (const h of homes) {
    // The canary scan reads the copy: every backup, every non-secret column.
    snapshotStateDir(h.stateDir)
    fs.rmSync(h.home, { recursive: true, force: true })
  }
})

interface Seeded {
  home: TempHome
  keys: Map<string, string>
  /** The main agent's store, left open with its commits in the WAL (a live gateway). */
  live: CredentialStore
}

function seed(opts: { mainProfiles?: number; pad?: boolean } = {}): Seeded {
  const home = makeTempHome()
  homes.push(home)
  const keys = new Map<string, string>()
  const work = CredentialStore.open(home.storePath('work'))
  for (let i = 0; i < 3; i++) {
    const k = canary()
    keys.set(`anthropic:w${i}`, k)
    work.upsertProfile(`anthropic:w${i}`, {
      type: 'api_key',
      provider: 'anthropic',
      key: k,
      ...(opts.pad ? { metadata: { pad: 'p'.repeat(30_000) } } : {}),
    })
  }
  work.close()
  const live = CredentialStore.open(home.storePath('main'))
  for (let i = 0; i < (opts.mainProfiles ?? 20); i++) {
    const k = canary()
    keys.set(`openai:p${i}`, k)
    live.upsertProfile(`openai:p${i}`, { type: 'api_key', provider: 'openai', key: k })
  }
  return { home, keys, live }
}

const mode = (p: string) => fs.statSync(p).mode & 0o777
const backupsIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [])

function keysIn(storePath: string): Map<string, string> {
  const s = CredentialStore.open(storePath, { readonly: true })
  try {
    return new Map(
      s.listProfiles().map((p) => [p.id, p.credential.type === 'api_key' ? (p.credential.key ?? '') : '']),
    )
  } finally {
    s.close()
  }
}

describe('B-10 openclaw backup', () => {
  it('copies every row of a live store whose commits are still in the WAL; 0700/0600; says it holds secrets', async () => {
    const { home, keys, live } = seed()
    expect(fs.statSync(`${home.storePath('main')}-wal`).size).toBeGreaterThan(0)
    home.writeConfig({ auth: { order: { anthropic: ['anthropic:w2', 'anthropic:w0'] } } })
    const configBytes = fs.readFileSync(path.join(home.stateDir, 'openclaw.json'))
    const envText = `OPENROUTER_API_KEY=${canary('sk-or-v1-')}\n`
    fs.writeFileSync(path.join(home.stateDir, '.env'), envText, { mode: 0o600 })
    const r = await home.run(['backup', '--json'])
    live.close()
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {
      backupDir: string
      containsSecrets: boolean
      warning: string
      agents: Array<{ agentId: string; file: string; profiles: number }>
    }
    expect(out.containsSecrets).toBe(true)
    expect(out.warning).toContain('contains credentials in plaintext')
    expect(path.dirname(out.backupDir)).toBe(path.join(home.stateDir, 'backups'))
    expect(out.agents.map((a) => [a.agentId, a.profiles])).toEqual([
      ['main', 20],
      ['work', 3],
    ])
    const all = new Map([...keysIn(out.agents[0]!.file), ...keysIn(out.agents[1]!.file)])
    expect(all).toEqual(keys)
    expect(mode(out.backupDir)).toBe(0o700)
    expect(mode(path.join(home.stateDir, 'backups'))).toBe(0o700)
    for (const a of out.agents) {
      expect(mode(a.file)).toBe(0o600)
      expect(mode(path.dirname(a.file))).toBe(0o700)
      const raw = openRawDatabase(a.file, { readonly: true })
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
      // Rollback journal: readable without a -shm, e.g. from a read-only medium.
      expect(raw.pragma('journal_mode', { simple: true })).toBe('delete')
      raw.close()
      expect(fs.readdirSync(path.dirname(a.file))).toEqual(['openclaw-agent.sqlite'])
    }
    // The config (profile order, refs, gateway settings) and <state>/.env come along, byte for
    // byte, where a state dir keeps them.
    expect(fs.readFileSync(path.join(out.backupDir, 'openclaw.json'))).toEqual(configBytes)
    expect(fs.readFileSync(path.join(out.backupDir, '.env'), 'utf8')).toBe(envText)
    expect(mode(path.join(out.backupDir, 'openclaw.json'))).toBe(0o600)
    expect(mode(path.join(out.backupDir, '.env'))).toBe(0o600)
    const manifest = JSON.parse(fs.readFileSync(path.join(out.backupDir, 'manifest.json'), 'utf8'))
    expect(manifest).toMatchObject({ format: 1, containsSecrets: true })
    expect(manifest.files).toEqual([
      { name: 'openclaw.json', source: path.join(home.stateDir, 'openclaw.json'), bytes: configBytes.length },
      { name: '.env', source: path.join(home.stateDir, '.env'), bytes: Buffer.byteLength(envText) },
    ])
    expect(mode(path.join(out.backupDir, 'manifest.json'))).toBe(0o600)
    expectNoCanary([r.stdout, r.stderr, JSON.stringify(manifest)], [...keys.values()])

    const text = await home.run(['backup', '--agent', 'work'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('Backed up 1 credential store(s), 3 profile(s), to ')
    expect(text.stdout).toContain('warning: This backup contains credentials in plaintext')
    expect(backupsIn(path.join(home.stateDir, 'backups'))).toHaveLength(2)
  })

  it('restore as documented: the file copied back into a state dir is read by the product, every profile there', async () => {
    const { home, keys, live } = seed()
    const r = await home.run(['backup', '--json'])
    live.close()
    expect(r.code, r.stderr).toBe(0)
    const { backupDir } = JSON.parse(r.stdout) as { backupDir: string }

    // Inspect in place: the backup dir is laid out as a state dir.
    const inspect = await home.run(['models', 'auth', 'list', '--agent', 'work', '--json'], {
      env: { OPENCLAW_STATE_DIR: backupDir },
    })
    expect(inspect.code, inspect.stderr).toBe(0)
    // Its own profiles, and the default agent's read through (the backup has both stores).
    const rows = (JSON.parse(inspect.stdout) as { profiles: { id: string; owner: string }[] }).profiles
    expect(rows.filter((p) => p.owner === 'work').map((p) => p.id)).toEqual([
      'anthropic:w0',
      'anthropic:w1',
      'anthropic:w2',
    ])
    expect(rows.filter((p) => p.owner === 'main')).toHaveLength(20)

    // Restore into a fresh install: `install -m 600` of each store into its agent dir.
    const fresh = makeTempHome()
    homes.push(fresh)
    for (const agent of ['main', 'work']) {
      const dest = fresh.storePath(agent)
      fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 })
      const src = path.join(backupDir, 'agents', agent, 'agent', 'openclaw-agent.sqlite')
      expect(spawnSync('install', ['-m', '600', src, dest]).status).toBe(0)
    }
    const listed = await fresh.run(['models', 'auth', 'list', '--json'])
    expect(listed.code, listed.stderr).toBe(0)
    const ids = (JSON.parse(listed.stdout) as { profiles: { id: string }[] }).profiles.map((p) => p.id)
    expect(ids.sort()).toEqual([...keys.keys()].filter((k) => k.startsWith('openai:')).sort())
    expect(new Map([...keysIn(fresh.storePath('main')), ...keysIn(fresh.storePath('work'))])).toEqual(keys)
    // The restored store is an ordinary store again: writes work, WAL comes back.
    const w = await fresh.run(
      ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', 'openai:new'],
      {
        stdin: `${canary()}\n`,
      },
    )
    expect(w.code, w.stderr).toBe(0)
  })

  it('never overwrites an existing backup; clear errors for bad flags and destinations', async () => {
    const { home, live } = seed({ mainProfiles: 2 })
    live.close()
    const at = Date.parse('2026-11-22T03:05:12.123Z')
    const opts = { env: home.env, cwd: home.home, clock: () => at }
    const first = await runMain(['backup'], opts)
    expect(first.code, first.stderr).toBe(0)
    const dir = path.join(home.stateDir, 'backups', 'openclaw-backup-2026-11-22T03-05-12-123Z')
    const sum = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(dir, 'manifest.json')))
      .digest('hex')
    const second = await runMain(['backup'], opts)
    expect(second.code).toBe(1)
    expect(second.stderr).toContain(`Backup ${dir} already exists; not overwriting it.`)
    expect(
      crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(dir, 'manifest.json')))
        .digest('hex'),
    ).toBe(sum)
    expect(backupsIn(path.join(home.stateDir, 'backups'))).toEqual([
      'openclaw-backup-2026-11-22T03-05-12-123Z',
    ])

    const both = await runMain(['backup', '--agent', 'work', '--all'], opts)
    expect(both.code).toBe(64)
    expect(both.stderr).toContain('Give either --agent <id> or --all, not both.')
    const file = path.join(home.home, 'not-a-dir')
    fs.writeFileSync(file, 'x')
    const bad = await runMain(['backup', '--out', file], { ...opts, clock: () => at + 1 })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain(`Backup destination ${file} exists and is not a directory.`)
    const none = await runMain(['backup', '--agent', 'ghost'], { ...opts, clock: () => at + 2 })
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('Nothing to back up')
    // A config that exists but cannot be read fails the backup (a copy silently missing it
    // would only be noticed at restore time), naming the file; nothing is published.
    const before = backupsIn(path.join(home.stateDir, 'backups'))
    const configDir = path.join(home.home, 'config-is-a-dir')
    fs.mkdirSync(configDir)
    const unreadable = await runMain(['backup'], {
      ...opts,
      env: { ...home.env, OPENCLAW_CONFIG_PATH: configDir },
      clock: () => at + 3,
    })
    expect(unreadable.code).toBe(1)
    expect(unreadable.stderr).toContain(`Cannot read ${configDir} for the backup (EISDIR).`)
    expect(backupsIn(path.join(home.stateDir, 'backups'))).toEqual(before)
    for (const r of [first, second, both, bad, none, unreadable]) expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  for (const point of ['mid-copy', 'before-publish'] as const) {
    it(`B-02: SIGKILL ${point === 'mid-copy' ? 'in the middle of a store copy' : 'right before the publishing rename'} leaves nothing that looks complete; the next run cleans up and succeeds`, async () => {
      const { home, keys, live } = seed({ pad: true })
      live.close()
      const outDir = path.join(home.stateDir, 'backups')
      const w = startWorker('backup-kill.mjs', [point, home.stateDir, outDir])
      const m = await w.waitForMarker(point, 20_000)
      if (point === 'mid-copy') {
        const d = m.data as { remainingPages: number; totalPages: number }
        expect(d.remainingPages).toBeGreaterThan(0)
        expect(d.remainingPages).toBeLessThan(d.totalPages)
      }
      w.killGroup('SIGKILL')
      expect((await finish(w)).signal).toBe('SIGKILL')
      const left = backupsIn(outDir)
      expect(left.filter((n) => n.startsWith('openclaw-backup-'))).toEqual([])
      expect(left).toEqual([expect.stringMatching(new RegExp(`^\\.openclaw-backup-.*\\.partial-${w.pid}$`))])

      const r = await home.run(['backup', '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = JSON.parse(r.stdout) as {
        backupDir: string
        removedPartials: string[]
        agents: Array<{ file: string }>
      }
      expect(out.removedPartials).toEqual([path.join(outDir, left[0]!)])
      expect(backupsIn(outDir)).toEqual([path.basename(out.backupDir)])
      expect(new Map([...keysIn(out.agents[0]!.file), ...keysIn(out.agents[1]!.file)])).toEqual(keys)
    })
  }
})
