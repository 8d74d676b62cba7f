import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary, expectNoCanary, makeTempHome } from './support/cli.ts'

const HOUR = 3_600_000

describe('openclaw models status --check (exit codes 0 / 1 / 2)', () => {
  it('a pasted token expiring in 12h exits 2 and is never printed', async () => {
    const t = makeTempHome()
    const token = canary('sk-ant-oat01-')
    const paste = await t.run(
      [
        'models',
        'auth',
        'paste-token',
        '--provider',
        'anthropic',
        '--profile-id',
        'anthropic:work',
        '--expires-in',
        '12h',
      ],
      { stdin: `${token}\n` },
    )
    expect(paste.stderr).toBe('')
    expect(paste.code).toBe(0)
    expect(paste.stdout).toContain('Saved anthropic:work (token, expires in 12h)')
    const check = await t.run(['models', 'status', '--check'])
    expect(check.code).toBe(2)
    expect(check.stdout).toContain('anthropic:work')
    expect(check.stdout).toMatch(/anthropic:work expiring expires in 1[12]h/)
    const json = await t.run(['models', 'status', '--json'])
    expect(json.code).toBe(0)
    const report = JSON.parse(json.stdout)
    expect(report.auth.oauth.profiles[0]).toMatchObject({
      profileId: 'anthropic:work',
      status: 'expiring',
      type: 'token',
    })
    expect(report.check.exitCode).toBe(2)
    expectNoCanary(
      [paste.stdout, paste.stderr, check.stdout, check.stderr, json.stdout, json.stderr],
      [token],
    )
    // Metadata, never the secret, goes to the config file.
    expect(t.readConfig()).toEqual({
      auth: { profiles: { 'anthropic:work': { provider: 'anthropic', mode: 'token' } } },
    })
    expectNoCanary([fs.readFileSync(`${t.stateDir}/openclaw.json`, 'utf8')], [token])
  })

  it('an expired token exits 1 and names the profile and the fix', async () => {
    const t = makeTempHome()
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('anthropic:old', {
      type: 'token',
      provider: 'anthropic',
      token: canary('sk-ant-oat01-'),
      expires: Date.now() - 2 * HOUR,
    })
    store.close()
    const check = await t.run(['models', 'status', '--check'])
    expect(check.code).toBe(1)
    expect(check.stderr).toContain('error: anthropic:old: token expired')
    expect(check.stderr).toContain(
      'openclaw models auth paste-token --provider anthropic --profile-id anthropic:old',
    )
  })

  it('an API key only exits 0', async () => {
    const t = makeTempHome()
    const key = canary('sk-ant-api03-')
    const paste = await t.run(['models', 'auth', 'paste-api-key', '--provider', 'anthropic'], { stdin: key })
    expect(paste.code).toBe(0)
    expect(paste.stdout).toContain('Saved anthropic:manual (api_key)')
    const check = await t.run(['models', 'status', '--check'])
    expect(check.code).toBe(0)
    expectNoCanary([paste.stdout, paste.stderr, check.stdout, check.stderr], [key])
  })

  it('a provider in use by the default model with no credential exits 1', async () => {
    const t = makeTempHome()
    t.writeConfig({ agents: { defaults: { model: { primary: 'openai/gpt-5', fallbacks: [] } } } })
    const check = await t.run(['models', 'status', '--check', '--json'])
    expect(check.code).toBe(1)
    const report = JSON.parse(check.stdout)
    expect(report.auth.missingProvidersInUse).toEqual(['openai'])
    expect(report.check.problems[0].message).toContain('No API key found for provider "openai"')
  })

  it('a profile excluded by an explicit auth.order cannot fail the check', async () => {
    const t = makeTempHome()
    const store = CredentialStore.open(t.storePath())
    store.upsertProfile('anthropic:old', {
      type: 'token',
      provider: 'anthropic',
      token: 't',
      expires: Date.now() - HOUR,
    })
    store.upsertProfile('anthropic:key', { type: 'api_key', provider: 'anthropic', key: canary() })
    store.close()
    t.writeConfig({ auth: { order: { anthropic: ['anthropic:key'] } } })
    const check = await t.run(['models', 'status', '--check'])
    expect(check.code).toBe(0)
  })

  it('a fresh install with no credential and no default model fails --check (exit 1), not 0', async () => {
    const t = makeTempHome()
    const empty = await t.run(['models', 'status', '--check'])
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('error: No credentials configured: no auth profile in ')
    expect(empty.stderr).toContain('fix: openclaw onboard')
    const json = JSON.parse((await t.run(['models', 'status', '--json', '--check'])).stdout)
    expect(json.check).toMatchObject({
      exitCode: 1,
      problems: [expect.objectContaining({ code: 'NO_CREDENTIALS' })],
    })
    // Nothing on disk was created by looking.
    expect(fs.existsSync(t.storePath())).toBe(false)
    // Any credential at all (here an env key) is something to check, and it is fine.
    const withKey = await t.run(['models', 'status', '--check'], {
      env: { OPENAI_API_KEY: canary('sk-proj-') },
    })
    expect(withKey.code, withKey.stderr).toBe(0)
    // doctor treats the same state as advice: it is how every install starts.
    const doctor = await t.run(['doctor', '--json'])
    expect(doctor.code).toBe(0)
    expect(JSON.parse(doctor.stdout).findings).toContainEqual(
      expect.objectContaining({ id: 'auth.no-credentials:main', level: 'warning' }),
    )
  })

  it('usage errors under --check never exit 2', async () => {
    const t = makeTempHome()
    const bad = await t.run(['models', 'status', '--check', '--bogus'])
    expect(bad.code).toBe(64)
    expect(bad.stderr).toContain("Unknown option '--bogus'")
    expect(bad.stderr).not.toMatch(/\n\s+at /)
  })

  it('ANTHROPIC_API_KEYS shows the env source, masked', async () => {
    const t = makeTempHome()
    const k1 = canary('sk-ant-api03-')
    const k2 = canary('sk-ant-api03-')
    const res = await t.run(['models', 'status', '--json'], { env: { ANTHROPIC_API_KEYS: `${k1},${k2}` } })
    expect(res.code).toBe(0)
    const report = JSON.parse(res.stdout)
    const anthropic = report.auth.providers.find((p: { provider: string }) => p.provider === 'anthropic')
    expect(anthropic.effective).toEqual({ kind: 'env', detail: 'env: ANTHROPIC_API_KEYS[0]' })
    expect(anthropic.env.source).toBe('env: ANTHROPIC_API_KEYS[0]')
    expect(anthropic.env.count).toBe(2)
    expect(anthropic.env.value).toBe(`sk-ant-api03-…${k1.slice(-4)}`)
    // The text names the kind once (it read `effective=env:env: ...`).
    const text = await t.run(['models', 'status'], { env: { ANTHROPIC_API_KEYS: `${k1},${k2}` } })
    expect(text.stdout).toContain('effective=env:ANTHROPIC_API_KEYS[0] |')
    expect(text.stdout).not.toContain('env:env:')
    expectNoCanary([res.stdout, res.stderr, text.stdout], [k1, k2])
  })

  it('reports an invalid config with the key path and no stack trace', async () => {
    const t = makeTempHome()
    t.writeConfig({ auth: { profiles: { 'anthropic:work': { provider: 'anthropic', mode: 'apikey' } } } })
    const res = await t.run(['models', 'status'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('auth.profiles["anthropic:work"].mode')
    expect(res.stderr).not.toMatch(/\n\s+at /)
  })

  it('status creates no files on a fresh machine', async () => {
    const t = makeTempHome()
    const res = await t.run(['models', 'status'])
    expect(res.code).toBe(0)
    expect(fs.existsSync(t.stateDir)).toBe(false)
  })
})

describe('environment layers seen by models status', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the test is about literal ${VAR} in config
  it('uses <state>/.env keys, ignores provider keys in the workspace .env, and substitutes ${VAR} from <state>/.env', async () => {
    const t = makeTempHome()
    const stateKey = canary('sk-ant-api03-')
    const workspaceKey = canary('sk-proj-')
    const customKey = canary('sk-custom-')
    fs.mkdirSync(t.stateDir, { recursive: true, mode: 0o700 })
    fs.writeFileSync(`${t.stateDir}/.env`, `ANTHROPIC_API_KEY=${stateKey}\nCUSTOM_KEY=${customKey}\n`, {
      mode: 0o600,
    })
    const workspace = fs.mkdtempSync(`${t.home}/ws-`)
    fs.writeFileSync(
      `${workspace}/.env`,
      `OPENAI_API_KEY=${workspaceKey}\nOPENCLAW_STATE_DIR=/tmp/elsewhere\n`,
    )
    t.writeConfig({
      models: {
        providers: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: config substitution syntax
          custom: { baseUrl: 'http://127.0.0.1:9/v1', api: 'openai-completions', apiKey: '${CUSTOM_KEY}' },
        },
      },
    })
    const res = await t.run(['models', 'status', '--json'], { cwd: workspace })
    expect(res.code, res.stderr).toBe(0)
    const report = JSON.parse(res.stdout)
    const byName = (n: string) => report.auth.providers.find((p: { provider: string }) => p.provider === n)
    expect(byName('anthropic').effective).toEqual({ kind: 'env', detail: 'env: ANTHROPIC_API_KEY' })
    expect(byName('openai')).toBeUndefined()
    expect(byName('custom').effective).toEqual({
      kind: 'models.json',
      detail: 'models.providers.custom.apiKey',
    })
    expect(res.stderr).toContain('warning: ignored OPENAI_API_KEY from')
    expect(res.stderr).toContain('warning: ignored OPENCLAW_STATE_DIR from')
    expectNoCanary([res.stdout, res.stderr], [stateKey, workspaceKey, customKey])
  })
})
