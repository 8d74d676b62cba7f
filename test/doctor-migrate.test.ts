/**
 * `openclaw doctor --fix` migrations, tried as a new user would: legacy files in the agent
 * dir, the real binary, then the ordinary commands to look at the result.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { writeFixture } from './fixtures/legacy/load.ts'
import { canary, expectNoCanary, makeTempHome, type TempHome } from './support/cli.ts'

// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary config trees
type Loose = Record<string, any>

const agentDir = (t: TempHome, id = 'main') => path.join(t.stateDir, 'agents', id, 'agent')

function secrets() {
  return {
    KEY_ANTHROPIC: canary('sk-ant-api03-'),
    TOKEN_ANTHROPIC: canary('sk-ant-oat01-'),
    KEY_OPENAI: canary('sk-proj-'),
    KEY_OPENROUTER: canary('sk-or-v1-'),
    KEY_GOOGLE: canary('AIza'),
    KEY_NOPROVIDER: canary('sk-x-'),
  }
}

function snapshot(t: TempHome) {
  const store = CredentialStore.open(t.storePath(), { readonly: true })
  try {
    const s = store.snapshot()
    return { ...s, states: [...s.states.entries()] }
  } finally {
    store.close()
  }
}

describe('doctor --fix: legacy auth-profiles.json + flat auth.json', () => {
  it('imports every profile, keeps the order and usage, archives the sources, and a rerun changes nothing', async () => {
    const t = makeTempHome()
    const s = secrets()
    writeFixture('auth-profiles.v1.json', path.join(agentDir(t), 'auth-profiles.json'), s)
    writeFixture('auth.flat.json', path.join(agentDir(t), 'auth.json'), s)
    const all = Object.values(s)
    const outputs: string[] = []
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const r = await t.run(args, { env })
      outputs.push(r.stdout, r.stderr)
      return r
    }

    // Before: the runtime fails closed and does not fall through to the env key.
    const before = await run(['models', 'status', '--check'], { ANTHROPIC_API_KEY: canary('sk-ant-api03-') })
    expect(before.code).toBe(1)
    expect(before.stderr).toContain('AUTH_PROFILE_MIGRATION_REQUIRED')
    expect(before.stderr).toContain('openclaw doctor --fix')
    const probe = await run(['models', 'status', '--probe'], { ANTHROPIC_API_KEY: canary('sk-ant-api03-') })
    expect(probe.code).toBe(1)
    expect(probe.stderr).toContain('AUTH_PROFILE_MIGRATION_REQUIRED')
    const diag = await run(['doctor', '--json'])
    expect(diag.code).toBe(1)
    const diagIds = JSON.parse(diag.stdout).findings.map((f: { id: string }) => f.id)
    expect(diagIds).toContain('auth.migration-required:main')

    const fixStart = Date.now()
    const fix = await run(['doctor', '--fix', '--json'])
    const fixEnd = Date.now()
    expect(fix.code).toBe(0)
    const out = JSON.parse(fix.stdout)
    const ap = out.migrations.find((m: { migration: string }) => m.migration === 'auth-profiles.json')
    expect(ap).toMatchObject({ status: 'imported', agentId: 'main', rejected: [], conflicts: [] })
    expect(ap.imported.sort()).toEqual(['anthropic:personal', 'anthropic:work', 'openai:default'])
    expect(ap.orderSet).toEqual(['anthropic'])
    // The fixture's windows end in 2100: cut to the ladder maximum from the import, and said so.
    expect(ap.clamped).toEqual([
      expect.objectContaining({
        id: 'anthropic:work',
        kind: 'cooldown',
        reason: 'rate_limit',
        model: '*',
        requestedUntil: 4102444800000,
        allowedMs: 5 * 60_000,
      }),
      expect.objectContaining({
        id: 'openai:default',
        kind: 'disabled',
        reason: 'billing',
        model: '*',
        requestedUntil: 4102444800000,
        allowedMs: 24 * 3_600_000,
      }),
    ])
    expect(ap.archivedTo).toMatch(/auth-profiles\.json\.migrated-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/)
    const flat = out.migrations.find((m: { migration: string }) => m.migration === 'auth.json')
    expect(flat).toMatchObject({ status: 'imported', imported: ['openrouter:default'] })
    expect(flat.archivedTo).toMatch(/auth\.json\.legacy-flat\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.bak$/)
    expect(out.findings.filter((f: { level: string }) => f.level === 'error')).toEqual([])

    // Sources archived with timestamps; nothing left under the old names.
    const files = fs.readdirSync(agentDir(t))
    expect(files).not.toContain('auth-profiles.json')
    expect(files).not.toContain('auth.json')
    expect(files.some((f) => /^auth-profiles\.json\.migrated-/.test(f))).toBe(true)
    expect(files.some((f) => /^auth\.json\.legacy-flat\..*\.bak$/.test(f))).toBe(true)

    const list = await run(['models', 'auth', 'list', '--json'])
    expect(list.code).toBe(0)
    const rows = JSON.parse(list.stdout).profiles
    expect(rows.map((r: { id: string }) => r.id).sort()).toEqual([
      'anthropic:personal',
      'anthropic:work',
      'openai:default',
      'openrouter:default',
    ])
    expect(rows.find((r: { id: string }) => r.id === 'anthropic:work')).toMatchObject({
      type: 'api_key',
      account: 'dev@example.com',
    })
    expect(rows.find((r: { id: string }) => r.id === 'anthropic:personal')).toMatchObject({ type: 'token' })
    const order = await run(['models', 'auth', 'order', 'get', '--provider', 'anthropic', '--json'])
    expect(JSON.parse(order.stdout)).toMatchObject({ order: ['anthropic:personal', 'anthropic:work'] })

    // Usage: lastUsed carried, still-active windows kept, expired ones dropped.
    const snap = snapshot(t)
    const state = Object.fromEntries(snap.states) as Record<
      string,
      import('../src/auth/types.ts').ProfileState
    >
    expect(state['anthropic:work']!.lastUsed).toBe(1767225600000)
    expect(state['anthropic:work']!.cooldowns).toMatchObject([
      { model: '*', reason: 'rate_limit', errorCount: 2 },
    ])
    const within = (until: number, maxMs: number) => {
      expect(until).toBeGreaterThanOrEqual(fixStart + maxMs)
      expect(until).toBeLessThanOrEqual(fixEnd + maxMs)
    }
    within(state['anthropic:work']!.cooldowns[0]!.until, 5 * 60_000)
    expect(state['anthropic:personal']!.cooldowns).toEqual([])
    expect(state['openai:default']!.disabled).toMatchObject({ reason: 'billing' })
    within(state['openai:default']!.disabled!.until, 24 * 3_600_000)
    expect(state['openai:default']!.failureCounts).toEqual({ billing: 3 })
    expect(snap.lastGood.anthropic?.profileId).toBe('anthropic:personal')
    // The secrets themselves arrived intact.
    const store = CredentialStore.open(t.storePath(), { readonly: true })
    expect(store.getProfile('anthropic:work')?.credential).toMatchObject({
      type: 'api_key',
      key: s.KEY_ANTHROPIC,
    })
    expect(store.getProfile('openrouter:default')?.credential).toMatchObject({
      type: 'api_key',
      key: s.KEY_OPENROUTER,
    })
    store.close()

    // The guard is satisfied now.
    const after = await run(['models', 'status', '--json'])
    expect(after.code).toBe(0)
    expect(after.stderr).not.toContain('AUTH_PROFILE_MIGRATION_REQUIRED')
    const unusable = JSON.parse(after.stdout).auth.unusableProfiles
    expect(Math.max(...unusable.map((u: { remainingMs: number }) => u.remainingMs))).toBeLessThanOrEqual(
      24 * 3_600_000,
    )

    // Second run: nothing to do, nothing written.
    const filesBefore = fs.readdirSync(agentDir(t)).sort()
    const again = await run(['doctor', '--fix', '--json'])
    expect(again.code).toBe(0)
    const second = JSON.parse(again.stdout)
    expect(second.migrations).toEqual([])
    expect(second.fixed).toEqual([])
    expect(snapshot(t)).toEqual(snap)
    expect(fs.readdirSync(agentDir(t)).sort()).toEqual(filesBefore)
    expect(fs.existsSync(path.join(t.stateDir, 'openclaw.json'))).toBe(false)

    expectNoCanary(outputs, all)
  })

  it('lists every rejected entry by id and reason, imports the rest, and moves aws-sdk markers to config', async () => {
    const t = makeTempHome()
    const s = secrets()
    writeFixture('auth-profiles.rejects.json', path.join(agentDir(t), 'auth-profiles.json'), s)
    const fix = await t.run(['doctor', '--fix', '--json'])
    const m = JSON.parse(fix.stdout).migrations[0]
    expect(m.status).toBe('imported')
    expect(m.imported).toEqual(['google:ok'])
    expect(m.rejected).toEqual([
      { id: 'google:string', reason: 'non_object' },
      { id: 'google:weird', reason: 'invalid_type' },
      { id: 'nopro:x', reason: 'missing_provider' },
      {
        id: 'no colon',
        reason: 'invalid_id',
        detail: 'the id contains whitespace; rename it in the file and rerun openclaw doctor --fix',
      },
      { id: 'google:badexp', reason: 'invalid_expires' },
      {
        id: 'google:OK',
        reason: 'duplicate_id',
        detail:
          'differs only in letter case from "google:ok" earlier in the file; only the first is considered, this entry was not imported',
      },
    ])
    expect(m.configChanges).toEqual(['auth.profiles.amazon-bedrock:default = { mode: "aws-sdk" }'])
    expect(t.readConfig()).toEqual({
      auth: { profiles: { 'amazon-bedrock:default': { provider: 'amazon-bedrock', mode: 'aws-sdk' } } },
    })
    const human = await t.run(['doctor'])
    expect(human.code).toBe(0)
    expectNoCanary([fix.stdout, fix.stderr, human.stdout, human.stderr], Object.values(s))
  })

  it('never overwrites a usable stored credential: the conflict is reported and the source kept', async () => {
    const t = makeTempHome()
    const s = secrets()
    const stored = canary('sk-ant-api03-')
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('anthropic:work', { type: 'api_key', provider: 'anthropic', key: stored })
    store.close()
    writeFixture('auth-profiles.v1.json', path.join(agentDir(t), 'auth-profiles.json'), s)
    const fix = await t.run(['doctor', '--fix', '--json'])
    const m = JSON.parse(fix.stdout).migrations[0]
    expect(m.status).toBe('conflict')
    expect(m.conflicts).toEqual([
      { id: 'anthropic:work', reason: expect.stringContaining('different usable credential') },
    ])
    expect(m.imported.sort()).toEqual(['anthropic:personal', 'openai:default'])
    expect(m.archivedTo).toBeUndefined()
    expect(fs.existsSync(path.join(agentDir(t), 'auth-profiles.json'))).toBe(true)
    const after = CredentialStore.open(t.storePath(), { readonly: true })
    expect(after.getProfile('anthropic:work')?.credential).toMatchObject({ key: stored })
    after.close()
    // Rerun: same report, no change.
    const again = await t.run(['doctor', '--fix', '--json'])
    expect(JSON.parse(again.stdout).migrations[0]).toMatchObject({ status: 'conflict', imported: [] })
    const human = await t.run(['doctor', '--fix'])
    expect(human.stdout).toContain('conflict: anthropic:work')
    expectNoCanary([fix.stdout, again.stdout, human.stdout, human.stderr], [...Object.values(s), stored])
  })

  it('a file that is not JSON is left untouched and reported as an error', async () => {
    const t = makeTempHome()
    const file = path.join(agentDir(t), 'auth-profiles.json')
    fs.mkdirSync(agentDir(t), { recursive: true })
    fs.writeFileSync(file, '{ "version": 1, "profiles": { "anthropic:x": { "type": "api_key", ', {
      mode: 0o600,
    })
    const fix = await t.run(['doctor', '--fix', '--json'])
    expect(fix.code).toBe(1)
    const out = JSON.parse(fix.stdout)
    expect(out.migrations[0]).toMatchObject({ migration: 'auth-profiles.json', status: 'failed' })
    expect(out.migrations[0].error).toContain('not valid JSON')
    expect(fs.readFileSync(file, 'utf8')).toContain('"anthropic:x"')
    expect(out.findings.find((f: { id: string }) => f.id === `legacy.file:${file}`)).toMatchObject({
      level: 'error',
    })
  })

  it('openai-codex ids, orders and model refs become canonical openai, collision-free', async () => {
    const t = makeTempHome()
    const mine = canary('sk-proj-')
    const codexAccess = canary('eyJcodex')
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('openai:me', { type: 'api_key', provider: 'openai', key: mine })
    store.close()
    t.writeConfig({
      auth: {
        order: { 'openai-codex': ['openai-codex:me'] },
        profiles: { 'openai-codex:me': { provider: 'openai-codex', mode: 'oauth' } },
      },
      agents: {
        defaults: {
          model: { primary: 'openai-codex/gpt-5', fallbacks: ['openai/gpt-4.1', 'openai-codex/gpt-5-mini'] },
          models: { 'openai-codex/gpt-5': { alias: 'codex' } },
        },
        list: [{ id: 'main', default: true, model: 'openai-codex/gpt-5' }],
      },
    })
    fs.writeFileSync(
      path.join(agentDir(t), 'auth-profiles.json'),
      JSON.stringify({
        version: 1,
        profiles: {
          'openai-codex:me': {
            type: 'oauth',
            provider: 'openai-codex',
            access: codexAccess,
            refresh: canary('rt-'),
            expires: 4102444800000,
          },
        },
        usageStats: { 'openai-codex:me': { lastUsed: 1767225600000 } },
      }),
      { mode: 0o600 },
    )
    const fix = await t.run(['doctor', '--fix', '--json'])
    const out = JSON.parse(fix.stdout)
    expect(out.findings.filter((f: { level: string }) => f.level === 'error')).toEqual([])
    expect(fix.code).toBe(0)
    const m = out.migrations.find((x: { migration: string }) => x.migration === 'auth-profiles.json')
    expect(m.renamed).toEqual([{ from: 'openai-codex:me', to: 'openai:me-codex' }])
    expect(m.imported).toEqual(['openai:me-codex'])
    const cfg = t.readConfig() as Loose
    expect(cfg.auth.order).toEqual({ openai: ['openai:me-codex'] })
    expect(cfg.auth.profiles).toEqual({ 'openai:me-codex': { provider: 'openai', mode: 'oauth' } })
    expect(cfg.agents.defaults.model).toEqual({
      primary: 'openai/gpt-5',
      fallbacks: ['openai/gpt-4.1', 'openai/gpt-5-mini'],
    })
    expect(cfg.agents.defaults.models).toEqual({ 'openai/gpt-5': { alias: 'codex' } })
    expect(cfg.agents.list[0].model).toBe('openai/gpt-5')
    const list = JSON.parse((await t.run(['models', 'auth', 'list', '--json'])).stdout).profiles
    expect(list.map((r: { id: string }) => r.id).sort()).toEqual(['openai:me', 'openai:me-codex'])
    const again = JSON.parse((await t.run(['doctor', '--fix', '--json'])).stdout)
    expect(again.migrations).toEqual([])
    expectNoCanary([fix.stdout, fix.stderr], [mine, codexAccess])
  })

  it('deletes an auth.order list whose profiles are all gone, keeps partial and empty lists', async () => {
    const t = makeTempHome()
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('anthropic:live', {
      type: 'api_key',
      provider: 'anthropic',
      key: canary('sk-ant-api03-'),
    })
    store.upsertProfile('openai:live', { type: 'api_key', provider: 'openai', key: canary('sk-proj-') })
    store.close()
    t.writeConfig({
      auth: {
        order: {
          anthropic: ['anthropic:gone', 'anthropic:also-gone'],
          openai: ['openai:gone', 'openai:live'],
          google: [],
          openrouter: ['openrouter:gone'],
        },
      },
    })
    const diag = JSON.parse((await t.run(['doctor', '--json'])).stdout)
    expect(diag.findings.map((f: { id: string }) => f.id)).toContain('legacy.stale-order:anthropic')
    const fix = await t.run(['doctor', '--fix', '--json'])
    expect(fix.code).toBe(0)
    expect(JSON.parse(fix.stdout).migrations).toEqual([
      expect.objectContaining({
        migration: 'stale-order',
        configChanges: ['removed stale auth.order.anthropic (anthropic:gone, anthropic:also-gone)'],
      }),
    ])
    expect((t.readConfig() as Loose).auth.order).toEqual({
      openai: ['openai:gone', 'openai:live'],
      google: [],
      openrouter: ['openrouter:gone'],
    })
  })
})
