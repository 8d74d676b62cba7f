/**
 * `openclaw onboard --non-interactive` against the mock provider: the credential is verified
 * with a real request to the configured baseUrl before anything is saved; a failed one is never
 * saved; an existing default model is kept; API keys can go to the store or `<state>/.env`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CredentialStore } from '../src/store/credential-store.ts'
import { canary, expectNoCanary, makeTempHome, type TempHome } from './support/cli.ts'
import { type MockProvider, startMockProvider } from './support/mock-provider/index.ts'

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(() => mock.close())
beforeEach(() => mock.reset())

function home(extra: Record<string, unknown> = {}): TempHome {
  const h = makeTempHome()
  h.writeConfig({
    models: { providers: { anthropic: { baseUrl: mock.url }, openai: { baseUrl: `${mock.url}/v1` } } },
    ...extra,
  })
  return h
}

function profiles(h: TempHome): string[] {
  if (!fs.existsSync(h.storePath())) return []
  const s = CredentialStore.open(h.storePath(), { readonly: true })
  try {
    return s.listProfiles().map((p) => p.id)
  } finally {
    s.close()
  }
}

const ONBOARD = ['onboard', '--non-interactive']

describe('onboard --non-interactive', () => {
  it('anthropic API key on stdin: verified with one real request, saved, default model set, status ok', async () => {
    const h = home()
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'ok', text: 'OK' })
    const r = await h.run([...ONBOARD, '--auth-choice', 'anthropic-api-key'], { stdin: `${key}\n` })
    expect(r.code, r.stderr).toBe(0)
    expect(mock.requests).toHaveLength(1)
    expect(mock.requests[0]).toMatchObject({
      path: '/v1/messages',
      credential: key,
      credentialVia: 'x-api-key',
    })
    expect(mock.requests[0]!.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 8 })
    expect(r.stdout).toContain('Verified anthropic/claude-sonnet-4-5 with a test request')
    expect(r.stdout).toContain('Saved anthropic:default')
    expect(r.stdout).toContain('Default model set to anthropic/claude-sonnet-4-5.')
    expect(r.stdout).toContain('openclaw models status --check')
    expect(profiles(h)).toEqual(['anthropic:default'])
    const check = await h.run(['models', 'status', '--check'])
    expect(check.code, check.stderr).toBe(0)
    expectNoCanary(
      [
        r.stdout,
        r.stderr,
        check.stdout,
        check.stderr,
        fs.readFileSync(path.join(h.stateDir, 'openclaw.json'), 'utf8'),
      ],
      [key],
    )
  })

  it('a key the provider rejects is never saved; the error says why', async () => {
    const h = home()
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'auth' })
    const r = await h.run([...ONBOARD, '--auth-choice', 'anthropic-api-key'], { stdin: `${key}\n` })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/anthropic rejected the credential \(auth: .*\)\. Nothing was saved\./)
    expect(profiles(h)).toEqual([])
    expect(h.readConfig().auth).toBeUndefined()
    expect((h.readConfig().agents as unknown) ?? null).toBeNull()
    expectNoCanary([r.stdout, r.stderr], [key])
  })

  it('keeps an existing default model and verifies with it', async () => {
    const h = home({ agents: { defaults: { model: { primary: 'anthropic/claude-opus-4-1' } } } })
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'ok' })
    const r = await h.run([...ONBOARD, '--auth-choice', 'apiKey'], { stdin: `${key}\n` })
    expect(r.code, r.stderr).toBe(0)
    expect(mock.requests[0]!.body.model).toBe('claude-opus-4-1')
    expect(r.stdout).toContain('Kept the existing default model anthropic/claude-opus-4-1.')
    expect((h.readConfig().agents as { defaults: { model: unknown } }).defaults.model).toEqual({
      primary: 'anthropic/claude-opus-4-1',
    })
  })

  it('--key-storage dotenv writes <state>/.env (0600) for the daemon and stores no profile', async () => {
    const h = home()
    fs.writeFileSync(path.join(h.stateDir, '.env'), 'OTHER=1\nANTHROPIC_API_KEY=old\n', { mode: 0o600 })
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'ok' })
    const r = await h.run([...ONBOARD, '--auth-choice', 'anthropic-api-key', '--key-storage', 'dotenv'], {
      stdin: `${key}\n`,
    })
    expect(r.code, r.stderr).toBe(0)
    const envFile = path.join(h.stateDir, '.env')
    expect(fs.readFileSync(envFile, 'utf8')).toBe(`OTHER=1\nANTHROPIC_API_KEY=${key}\n`)
    expect(fs.statSync(envFile).mode & 0o777).toBe(0o600)
    expect(profiles(h)).toEqual([])
    expect(r.stdout).toContain('openclaw gateway restart')
    const status = await h.run(['models', 'status', '--json'])
    const anthropic = JSON.parse(status.stdout).auth.providers.find(
      (p: { provider: string }) => p.provider === 'anthropic',
    )
    expect(anthropic.effective.kind).toBe('env')
    expect((await h.run(['models', 'status', '--check'])).code).toBe(0)
  })

  it('--secret-input-mode ref stores an env SecretRef; an inline key without the env var fails fast', async () => {
    const h = home()
    const key = canary('sk-ant-api03-')
    mock.setBehavior(key, { kind: 'ok' })
    const bad = await h.run([
      ...ONBOARD,
      '--auth-choice',
      'anthropic-api-key',
      '--secret-input-mode',
      'ref',
      '--api-key',
      key,
    ])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain(
      '--secret-input-mode ref stores a reference to $ANTHROPIC_API_KEY, which is not set.',
    )
    expect(mock.requests).toHaveLength(0)
    const ok = await h.run([...ONBOARD, '--auth-choice', 'anthropic-api-key', '--secret-input-mode', 'ref'], {
      env: { ANTHROPIC_API_KEY: key },
    })
    expect(ok.code, ok.stderr).toBe(0)
    const s = CredentialStore.open(h.storePath(), { readonly: true })
    expect(s.getProfile('anthropic:default')?.credential).toEqual({
      type: 'api_key',
      provider: 'anthropic',
      keyRef: { source: 'env', provider: 'default', id: 'ANTHROPIC_API_KEY' },
    })
    s.close()
    expectNoCanary([bad.stdout, bad.stderr, ok.stdout, ok.stderr], [key])
  })

  it('--auth-choice token: a setup-token goes as Bearer, stored as a token profile with its expiry', async () => {
    const h = home()
    const token = canary('sk-ant-oat01-')
    mock.setBehavior(token, { kind: 'ok' })
    const r = await h.run([
      ...ONBOARD,
      '--auth-choice',
      'token',
      '--token-provider',
      'anthropic',
      '--token-expires-in',
      '365d',
      '--token',
      token,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('warning: --token puts the secret on the command line')
    expect(mock.requests[0]).toMatchObject({ credential: token, credentialVia: 'bearer' })
    const s = CredentialStore.open(h.storePath(), { readonly: true })
    const c = s.getProfile('anthropic:manual')?.credential
    s.close()
    expect(c).toMatchObject({ type: 'token', token })
    expect((c as { expires: number }).expires).toBeGreaterThan(Date.now() + 364 * 86_400_000)
  })

  it('openai API key through the OpenAI-compatible endpoint', async () => {
    const h = home()
    const key = canary('sk-proj-')
    mock.setBehavior(key, { kind: 'ok' })
    const r = await h.run([...ONBOARD, '--auth-choice', 'openai-api-key'], { stdin: `${key}\n` })
    expect(r.code, r.stderr).toBe(0)
    expect(mock.requests[0]).toMatchObject({ path: '/v1/chat/completions', credential: key })
  })

  it('refuses what cannot work non-interactively, and the classic key mix-up', async () => {
    const h = home()
    const oauth = await h.run([...ONBOARD, '--auth-choice', 'openai'])
    expect(oauth.code).toBe(64)
    expect(oauth.stderr).toContain('openclaw models auth login --provider openai')
    const mixed = await h.run([...ONBOARD, '--auth-choice', 'anthropic-api-key'], {
      stdin: `${canary('sk-ant-oat01-')}\n`,
    })
    expect(mixed.code).toBe(1)
    expect(mixed.stderr).toContain('That looks like a Claude setup-token, not an API key.')
    const none = await h.run([...ONBOARD, '--auth-choice', 'anthropic-api-key'])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('No API key given for anthropic.')
    const wizardNoTty = await h.run(['onboard'])
    expect(wizardNoTty.code).toBe(1)
    expect(wizardNoTty.stderr).toContain('The onboarding wizard needs a terminal.')
    expect(mock.requests).toHaveLength(0)
  })
})
