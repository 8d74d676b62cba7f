/**
 * Ref-backed profiles tried as a new user would, through the real binary: a keyRef to a file
 * provider and one to an exec provider resolve and list as `api-key-ref`; a broken ref makes
 * `models status --check` exit 1 naming the profile and the ref; nothing ever prints a value.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { makeProviderDir } from './fixtures/secret-providers/install.ts'
import { type CliResult, canary, expectNoCanary, makeTempHome, type TempHome } from './support/cli.ts'

interface Setup {
  t: TempHome
  secretsFile: string
  fileKey: string
  execKey: string
  dumpDir: string
  outputs: CliResult[]
}

function setup(): Setup {
  const t = makeTempHome()
  fs.mkdirSync(t.home, { recursive: true })
  const p = makeProviderDir(t.home)
  const fileKey = canary('sk-ant-api03-')
  const execKey = canary('sk-proj-')
  const secretsFile = p.file('secrets.json', JSON.stringify({ anthropic: { prod: fileKey } }))
  const dumpDir = fs.mkdtempSync(path.join(p.dir, 'dump-'))
  const command = p.install('ok-provider.mjs', 'vault-resolver.mjs')
  const values = p.file('values.json', JSON.stringify({ 'openai/key': execKey }))
  t.writeConfig({
    secrets: {
      providers: {
        local: { source: 'file', path: secretsFile },
        vault: { source: 'exec', command, args: [values, dumpDir, '-'] },
      },
    },
  })
  return { t, secretsFile, fileKey, execKey, dumpDir, outputs: [] }
}

async function run(s: Setup, args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) {
  const r = await s.t.run(args, opts)
  s.outputs.push(r)
  return r
}

function scan(s: Setup, extra: string[] = []): void {
  const texts = s.outputs.flatMap((r) => [r.stdout, r.stderr])
  texts.push(fs.readFileSync(path.join(s.t.stateDir, 'openclaw.json'), 'utf8'))
  expectNoCanary(texts, [s.fileKey, s.execKey, ...extra])
}

describe('ref-backed profiles end to end', () => {
  it('file and exec keyRefs resolve, list as api-key-ref, and pass --check', async () => {
    const s = setup()
    const a = await run(s, [
      'models',
      'auth',
      'paste-api-key',
      '--provider',
      'anthropic',
      '--profile-id',
      'anthropic:prod',
      '--ref',
      'file:local:/anthropic/prod',
    ])
    expect(a.stderr).toBe('')
    expect(a.code).toBe(0)
    expect(a.stdout).toContain('Saved anthropic:prod (api_key, keyRef file:local:/anthropic/prod) to ')
    const o = await run(s, [
      'models',
      'auth',
      'paste-api-key',
      '--provider',
      'openai',
      '--profile-id',
      'openai:vault',
      '--ref',
      'exec:vault:openai/key',
    ])
    expect(o.code, o.stderr).toBe(0)
    expect(o.stdout).toContain('Saved openai:vault (api_key, keyRef exec:vault:openai/key)')

    // Only coordinates were stored: no value in the row, the config or anywhere printed.
    const store = CredentialStore.open(s.t.storePath(), { readonly: true })
    expect(store.getProfile('anthropic:prod')?.credential).toEqual({
      type: 'api_key',
      provider: 'anthropic',
      keyRef: { source: 'file', provider: 'local', id: '/anthropic/prod' },
    })
    store.close()
    expect(s.t.readConfig().auth).toEqual({
      profiles: {
        'anthropic:prod': { provider: 'anthropic', mode: 'api_key' },
        'openai:vault': { provider: 'openai', mode: 'api_key' },
      },
    })

    const list = await run(s, ['models', 'auth', 'list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/anthropic:prod\s+anthropic\s+api_key\s+api-key-ref\s+-\s+ok/)
    expect(list.stdout).toMatch(/openai:vault\s+openai\s+api_key\s+api-key-ref\s+-\s+ok/)
    const json = JSON.parse((await run(s, ['models', 'auth', 'list', '--json'])).stdout)
    expect(
      json.profiles.map((p: { credential: string; reason: string }) => [p.credential, p.reason]),
    ).toEqual([
      ['api-key-ref', 'ok'],
      ['api-key-ref', 'ok'],
    ])

    const check = await run(s, ['models', 'status', '--check'])
    expect(check.code, check.stderr).toBe(0)
    const status = JSON.parse((await run(s, ['models', 'status', '--json'])).stdout)
    const anthropic = status.auth.providers.find((p: { provider: string }) => p.provider === 'anthropic')
    expect(anthropic.effective).toEqual({ kind: 'profile', detail: 'anthropic:prod' })
    expect(anthropic.profiles.labels).toEqual(['anthropic:prod (api-key-ref)'])
    scan(s)
  })

  it('a broken ref is missing for --check (exit 1), named with its ref, and never falls back to env', async () => {
    const s = setup()
    for (const [id, spec] of [
      ['anthropic:prod', 'file:local:/anthropic/prod'],
      ['openai:vault', 'exec:vault:openai/key'],
    ] as const) {
      const r = await run(s, [
        'models',
        'auth',
        'paste-api-key',
        '--provider',
        id.split(':')[0]!,
        '--profile-id',
        id,
        '--ref',
        spec,
      ])
      expect(r.code, r.stderr).toBe(0)
    }
    // The key is rotated out of the file; an env key for the same provider is also present.
    fs.writeFileSync(s.secretsFile, JSON.stringify({ anthropic: {} }))
    const envKey = canary('sk-ant-api03-')
    const env = { ANTHROPIC_API_KEY: envKey }
    const check = await run(s, ['models', 'status', '--check'], { env })
    expect(check.code).toBe(1)
    expect(check.stderr).toContain(
      'error: anthropic:prod: credential missing (unresolved_ref): keyRef file:local:/anthropic/prod could not be resolved: file provider "local": id "/anthropic/prod" was not found in the file',
    )
    expect(check.stderr).toContain(
      'warning: secret ref file:local:/anthropic/prod used by profile anthropic:prod (keyRef, agent main) is unresolved',
    )
    const status = JSON.parse((await run(s, ['models', 'status', '--json'], { env })).stdout)
    const anthropic = status.auth.providers.find((p: { provider: string }) => p.provider === 'anthropic')
    expect(anthropic.effective.kind).toBe('none')
    expect(status.check.exitCode).toBe(1)
    const list = await run(s, ['models', 'auth', 'list'], { env })
    expect(list.stdout).toMatch(
      /anthropic:prod\s+anthropic\s+api_key\s+api-key-ref\s+-\s+missing \[unresolved_ref\]/,
    )
    expect(list.stdout).toMatch(/openai:vault\s+.*api-key-ref\s+-\s+ok/)

    // Fix the file (replace by rename, as a rotation script would): the next command sees it.
    const fixed = `${s.secretsFile}.new`
    fs.writeFileSync(fixed, JSON.stringify({ anthropic: { prod: s.fileKey } }), { mode: 0o600 })
    fs.renameSync(fixed, s.secretsFile)
    expect((await run(s, ['models', 'status', '--check'], { env })).code).toBe(0)
    scan(s, [envKey])
  })

  it('an exec ref whose provider exits 1 with the secret on stderr: exit 1, only the exit code shown', async () => {
    const t = makeTempHome()
    fs.mkdirSync(t.home, { recursive: true })
    const p = makeProviderDir(t.home)
    const secret = canary('sk-ant-api03-')
    const command = p.install('respond-raw.mjs')
    const good = p.file(
      'good.json',
      JSON.stringify({ protocolVersion: 1, values: { 'anthropic/prod': secret } }),
    )
    const errFile = p.file('err.txt', `vault: token ${secret} expired\n`)
    const cfg = (exitCode: string) => ({
      secrets: {
        providers: { vault: { source: 'exec', command, args: [good, exitCode, '--stderr', errFile] } },
      },
    })
    t.writeConfig(cfg('0'))
    const paste = await t.run([
      'models',
      'auth',
      'paste-api-key',
      '--provider',
      'anthropic',
      '--profile-id',
      'anthropic:v',
      '--ref',
      'exec:vault:anthropic/prod',
    ])
    expect(paste.code, paste.stderr).toBe(0)
    t.writeConfig(cfg('1'))
    const check = await t.run(['models', 'status', '--check'])
    expect(check.code).toBe(1)
    expect(check.stderr).toContain(
      'keyRef exec:vault:anthropic/prod could not be resolved: exec provider "vault": exited with code 1',
    )
    expectNoCanary([paste.stdout, paste.stderr, check.stdout, check.stderr], [secret])
  })
})

describe('paste-api-key / paste-token --ref refusals', () => {
  it('an unresolvable ref is not saved, and no stdin is read', async () => {
    const s = setup()
    const r = await run(
      s,
      ['models', 'auth', 'paste-api-key', '--provider', 'anthropic', '--ref', 'file:local:/nope'],
      {
        stdin: 'this-would-be-a-pasted-secret\n',
      },
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      'Error: Not saved: keyRef file:local:/nope for anthropic:manual could not be resolved: file provider "local": id "/nope" was not found in the file.',
    )
    const store = CredentialStore.open(s.t.storePath(), { readonly: true })
    expect(store.listProfiles()).toEqual([])
    store.close()
    expect(s.t.readConfig().auth).toBeUndefined()
  })

  it('bad grammar is refused with the rule', async () => {
    const s = setup()
    const r = await run(s, [
      'models',
      'auth',
      'paste-api-key',
      '--provider',
      'anthropic',
      '--ref',
      'env::sk-live-key',
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('Invalid --ref for anthropic:manual: an env ref id must be a variable name')
    expect(r.stderr).not.toContain('sk-live-key')
  })

  it('an OAuth profile never takes a ref (hard error naming the profile)', async () => {
    const s = setup()
    const cfg = s.t.readConfig()
    s.t.writeConfig({ ...cfg, auth: { profiles: { 'openai:codex': { provider: 'openai', mode: 'oauth' } } } })
    const r = await run(s, [
      'models',
      'auth',
      'paste-token',
      '--provider',
      'openai',
      '--profile-id',
      'openai:codex',
      '--ref',
      'exec:vault:openai/key',
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      'Auth profile "openai:codex" is an OAuth profile; OAuth profiles cannot use SecretRefs.',
    )
  })

  it('paste-token --ref stores a tokenRef with an expiry; shape checks apply to the resolved value', async () => {
    const s = setup()
    const token = await run(s, [
      'models',
      'auth',
      'paste-token',
      '--provider',
      'openai',
      '--profile-id',
      'openai:t',
      '--ref',
      'exec:vault:openai/key',
      '--expires-in',
      '30d',
    ])
    expect(token.code, token.stderr).toBe(0)
    expect(token.stdout).toContain('Saved openai:t (token, tokenRef exec:vault:openai/key, expires in 30d)')
    const list = await run(s, ['models', 'auth', 'list', '--json'])
    expect(JSON.parse(list.stdout).profiles[0]).toMatchObject({
      id: 'openai:t',
      credential: 'token-ref',
      reason: 'ok',
    })
    // An Anthropic API key referenced as a setup-token is the classic mix-up: refused by shape.
    const mix = await run(s, [
      'models',
      'auth',
      'paste-token',
      '--provider',
      'anthropic',
      '--ref',
      'file:local:/anthropic/prod',
    ])
    expect(mix.code).toBe(1)
    expect(mix.stderr).toContain('That looks like an Anthropic API key, not a setup-token')
    scan(s)
  })
})

describe('exec providers run only when a ref needs them', () => {
  it('models status with an exec provider configured but no exec ref spawns nothing', async () => {
    const s = setup()
    const st = await run(s, ['models', 'status'])
    expect(st.code, st.stderr).toBe(0)
    expect(fs.readdirSync(s.dumpDir)).toEqual([])
  })
})
