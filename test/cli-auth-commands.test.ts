import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary, expectNoCanary, makeTempHome } from './support/cli.ts'

async function pasteKey(t: ReturnType<typeof makeTempHome>, profileId: string, secret = canary()) {
  const provider = profileId.split(':')[0]!
  const res = await t.run(
    ['models', 'auth', 'paste-api-key', '--provider', provider, '--profile-id', profileId],
    {
      stdin: `${secret}\n`,
    },
  )
  expect(res.code, res.stderr).toBe(0)
  return secret
}

describe('models auth order', () => {
  it('set with an unknown id fails naming it and stores nothing', async () => {
    const t = makeTempHome()
    await pasteKey(t, 'anthropic:work')
    const res = await t.run([
      'models',
      'auth',
      'order',
      'set',
      '--provider',
      'anthropic',
      'anthropic:work',
      'anthropic:nope',
    ])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('Auth profile "anthropic:nope" not found in')
    expect(res.stderr).toContain('openclaw models auth list --provider anthropic')
    const get = await t.run(['models', 'auth', 'order', 'get', '--provider', 'anthropic', '--json'])
    expect(JSON.parse(get.stdout).order).toBeNull()
  })

  it('set rejects a profile of another provider', async () => {
    const t = makeTempHome()
    await pasteKey(t, 'openai:main')
    const res = await t.run(['models', 'auth', 'order', 'set', '--provider', 'anthropic', 'openai:main'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('Auth profile "openai:main" is for openai, not anthropic.')
  })

  it('set / get / clear round trip, per agent, with read-through ids (seed example)', async () => {
    const t = makeTempHome()
    await pasteKey(t, 'anthropic:work')
    await pasteKey(t, 'anthropic:home')
    const set = await t.run([
      'models',
      'auth',
      'order',
      'set',
      '--agent',
      'work-agent',
      '--provider',
      'anthropic',
      'anthropic:work',
    ])
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toContain('Order override: anthropic:work')
    const status = JSON.parse((await t.run(['models', 'status', '--json', '--agent', 'work-agent'])).stdout)
    const row = status.auth.providers.find((p: { provider: string }) => p.provider === 'anthropic')
    expect(row.order).toMatchObject({ source: 'agent-override', explicit: true, ids: ['anthropic:work'] })
    expect(row.order.excluded).toEqual([
      expect.objectContaining({ profileId: 'anthropic:home', reason: 'excluded_by_auth_order' }),
    ])
    // The main agent is unaffected.
    const main = JSON.parse(
      (await t.run(['models', 'auth', 'order', 'get', '--provider', 'anthropic', '--json'])).stdout,
    )
    expect(main.order).toBeNull()
    const clear = await t.run(['models', 'auth', 'order', 'clear', '--agent', 'work-agent'])
    expect(clear.code).toBe(0)
    expect(clear.stdout).toContain('Cleared order override for anthropic (agent work-agent).')
    const after = await t.run([
      'models',
      'auth',
      'order',
      'get',
      '--agent',
      'work-agent',
      '--provider',
      'anthropic',
    ])
    expect(after.stdout).toContain('Order override: (none)')
  })

  it('missing --provider is a usage error with a hint', async () => {
    const t = makeTempHome()
    const res = await t.run(['models', 'auth', 'order', 'get'])
    expect(res.code).toBe(64)
    expect(res.stderr).toContain('Missing --provider <id>.')
    expect(res.stderr).toContain('openclaw models auth list')
  })
})

describe('models auth list / logout / clear-cooldown', () => {
  it('list shows profiles without secrets, in table, plain and JSON form', async () => {
    const t = makeTempHome()
    const k = await pasteKey(t, 'openai:main')
    const tok = canary('sk-ant-oat01-')
    await t.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '365d'], {
      stdin: tok,
    })
    const table = await t.run(['models', 'auth', 'list'])
    expect(table.stdout.split('\n')[0]).toMatch(/^Profile\s+Provider\s+Type\s+Credential\s+Account\s+Status$/)
    expect(table.stdout).toMatch(/anthropic:manual\s+anthropic\s+token\s+token\s+-\s+expires in 36[45]d/)
    expect(table.stdout).toMatch(/openai:main\s+openai\s+api_key\s+api-key\s+-\s+ok/)
    const plain = await t.run(['models', 'auth', 'list', '--plain'])
    expect(plain.stdout).toBe('anthropic:manual\nopenai:main\n')
    const json = JSON.parse(
      (await t.run(['models', 'auth', 'list', '--json', '--provider', 'openai'])).stdout,
    )
    expect(json.profiles).toEqual([
      expect.objectContaining({ id: 'openai:main', credential: 'api-key', status: 'ok' }),
    ])
    expectNoCanary([table.stdout, plain.stdout, JSON.stringify(json)], [k, tok])
  })

  it('an empty store says so', async () => {
    const t = makeTempHome()
    expect((await t.run(['models', 'auth', 'list'])).stdout).toBe('No auth profiles found.\n')
  })

  it('logout needs --yes without a TTY, then removes store row, config entry and order entries', async () => {
    const t = makeTempHome()
    await pasteKey(t, 'anthropic:work')
    await pasteKey(t, 'anthropic:home')
    const cfg = t.readConfig() as { auth: Record<string, unknown> }
    cfg.auth.order = { anthropic: ['anthropic:work'] }
    t.writeConfig(cfg)
    const refused = await t.run(['models', 'auth', 'logout', 'anthropic:work'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('--yes')
    const ok = await t.run(['models', 'auth', 'logout', 'anthropic:work', '--yes'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain('the provider still accepts the credential until you revoke it')
    expect(t.readConfig()).toEqual({
      auth: { profiles: { 'anthropic:home': { provider: 'anthropic', mode: 'api_key' } } },
    })
    const store = CredentialStore.open(t.storePath(), { readonly: true })
    expect(store.listProfiles().map((p) => p.id)).toEqual(['anthropic:home'])
    store.close()
    const again = await t.run(['models', 'auth', 'logout', 'anthropic:work', '--yes'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('Auth profile "anthropic:work" not found')
  })

  it('clear-cooldown clears every model cooldown and the disable of one profile', async () => {
    const t = makeTempHome()
    await pasteKey(t, 'anthropic:work')
    const store = CredentialStore.open(t.storePath())
    const now = Date.now()
    store.updateState('anthropic:work', (s) => ({
      ...s,
      cooldowns: [
        {
          profileId: 'anthropic:work',
          model: 'claude-a',
          until: now + 60_000,
          reason: 'rate_limit',
          errorCount: 1,
          lastFailureAt: now,
        },
        {
          profileId: 'anthropic:work',
          model: 'claude-b',
          until: now + 60_000,
          reason: 'rate_limit',
          errorCount: 1,
          lastFailureAt: now,
        },
      ],
      disabled: { until: now + 600_000, reason: 'billing', count: 1, lastFailureAt: now },
    }))
    store.close()
    const before = JSON.parse((await t.run(['models', 'status', '--json'])).stdout)
    expect(before.auth.unusableProfiles.map((u: { model: string }) => u.model).sort()).toEqual([
      '*',
      'claude-a',
      'claude-b',
    ])
    const res = await t.run(['models', 'auth', 'clear-cooldown', 'anthropic:work'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toBe('Cleared 2 cooldowns and the disable of anthropic:work.\n')
    const after = JSON.parse((await t.run(['models', 'status', '--json'])).stdout)
    expect(after.auth.unusableProfiles).toEqual([])
    const again = await t.run(['models', 'auth', 'clear-cooldown', 'anthropic:work'])
    expect(again.stdout).toContain('nothing to clear')
  })
})

describe('paste input handling', () => {
  it('refuses empty input, control characters and key-kind mix-ups without storing anything', async () => {
    const t = makeTempHome()
    const empty = await t.run(['models', 'auth', 'paste-api-key', '--provider', 'openai'], { stdin: '\n' })
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('No credential received for profile openai:manual')
    const ctrl = await t.run(['models', 'auth', 'paste-api-key', '--provider', 'openai'], {
      stdin: 'sk-abc\u0000def',
    })
    expect(ctrl.code).toBe(1)
    expect(ctrl.stderr).toContain('contains control characters')
    const mixed = await t.run(['models', 'auth', 'paste-token', '--provider', 'anthropic'], {
      stdin: canary('sk-ant-api03-'),
    })
    expect(mixed.code).toBe(1)
    expect(mixed.stderr).toContain('paste-api-key')
    expect(
      fs.existsSync(t.storePath())
        ? CredentialStore.open(t.storePath(), { readonly: true }).listProfiles()
        : [],
    ).toEqual([])
  })

  it('rejects a bad profile id and a bad duration before reading any secret', async () => {
    const t = makeTempHome()
    const id = await t.run([
      'models',
      'auth',
      'paste-token',
      '--provider',
      'anthropic',
      '--profile-id',
      '../x',
    ])
    expect(id.code).toBe(1)
    expect(id.stderr).toContain('Invalid auth profile id')
    const dur = await t.run([
      'models',
      'auth',
      'paste-token',
      '--provider',
      'anthropic',
      '--expires-in',
      '12',
    ])
    expect(dur.code).toBe(1)
    expect(dur.stderr).toContain('Invalid duration "12"')
  })

  it('pasting into a hand-written JSON5 config says its comments are not kept and where the original is', async () => {
    const t = makeTempHome()
    fs.mkdirSync(t.stateDir, { recursive: true, mode: 0o700 })
    const configPath = path.join(t.stateDir, 'openclaw.json')
    const handWritten = '{\n  // the team key goes first\n  gateway: { port: 18789 },\n}\n'
    fs.writeFileSync(configPath, handWritten, { mode: 0o600 })
    const first = await t.run(
      ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', 'openai:a'],
      {
        stdin: `${canary()}\n`,
      },
    )
    expect(first.code, first.stderr).toBe(0)
    const kept = fs.readdirSync(t.stateDir).filter((n) => n.startsWith('openclaw.json.hand-written-'))
    expect(kept).toHaveLength(1)
    expect(fs.readFileSync(path.join(t.stateDir, kept[0]!), 'utf8')).toBe(handWritten)
    expect(first.stderr).toContain(
      `warning: ${configPath} was hand-written JSON5 (comments, trailing commas or unquoted keys); openclaw writes plain JSON, so its comments are not in the new file. The file as you wrote it is kept as ${path.join(t.stateDir, kept[0]!)}`,
    )
    const second = await pasteKey(t, 'openai:b')
    expect(second).toBeTruthy()
    expect(fs.readdirSync(t.stateDir).filter((n) => n.startsWith('openclaw.json.hand-written-'))).toEqual(
      kept,
    )
  })

  it('four concurrent pastes into one agent all land in store and config', async () => {
    const t = makeTempHome()
    const ids = ['openai:a', 'openai:b', 'openai:c', 'openai:d']
    await Promise.all(ids.map((id) => pasteKey(t, id)))
    const store = CredentialStore.open(t.storePath(), { readonly: true })
    expect(store.listProfiles().map((p) => p.id)).toEqual(ids)
    store.close()
    const profiles = (t.readConfig() as { auth: { profiles: Record<string, unknown> } }).auth.profiles
    expect(Object.keys(profiles).sort()).toEqual(ids)
  })
})
