/**
 * `openclaw models auth login` end to end: the real binary, a mock authorization server on
 * loopback, and the test playing the browser - it follows the authorize URL the CLI printed and
 * drives the CLI's loopback callback with a real HTTP request, or pastes the redirect URL /
 * `code#state` on stdin the way a user on a headless host would.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OAuthCredential } from '../src/auth/types.ts'
import { CredentialStore } from '../src/store/credential-store.ts'
import { BIN, canary, expectNoCanary, makeTempHome, ROOT, type TempHome } from './support/cli.ts'
import { type MockOAuthServer, startMockOAuthServer } from './support/mock-oauth-server.ts'

let as: MockOAuthServer
beforeAll(async () => {
  as = await startMockOAuthServer()
})
afterAll(() => as.close())

interface Running {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves with the first stderr match. */
  waitFor(re: RegExp): Promise<RegExpMatchArray>
  done: Promise<number | null>
}

function start(home: TempHome, args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...home.env, OPENCLAW_NO_BROWSER: '1', ...env },
    cwd: home.home,
    stdio: 'pipe',
  })
  let out = ''
  let errText = ''
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = []
  child.stdout.setEncoding('utf8').on('data', (d) => {
    out += d
  })
  child.stderr.setEncoding('utf8').on('data', (d) => {
    errText += d
    for (const w of [...waiters]) {
      const m = errText.match(w.re)
      if (m) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(m)
      }
    }
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const done = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(code)
    }),
  )
  return {
    child,
    stdout: () => out,
    stderr: () => errText,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const m = errText.match(re)
        if (m) return resolve(m)
        waiters.push({ re, resolve })
        void done.then(() => reject(new Error(`exited before ${re}: ${errText}`)))
      }),
    done,
  }
}

function configure(home: TempHome, extra: Record<string, unknown> = {}): void {
  home.writeConfig({
    models: {
      providers: {
        openai: {
          oauth: {
            authorizeUrl: as.authorizeUrl,
            tokenUrl: as.tokenUrl,
            clientId: as.clientId,
            redirectPort: 0,
          },
        },
      },
    },
    ...extra,
  })
}

/** Plays the browser up to the redirect: returns the URL it would load next (our callback). */
async function authorize(run: Running, hint?: string): Promise<URL> {
  const [url] = await run.waitFor(/http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\S+/)
  const u = new URL(url)
  if (hint) u.searchParams.set('login_hint', hint)
  const res = await fetch(u, { redirect: 'manual' })
  expect(res.status).toBe(302)
  return new URL(res.headers.get('location')!)
}

function stored(home: TempHome, id: string): OAuthCredential | undefined {
  const s = CredentialStore.open(home.storePath(), { readonly: true })
  try {
    return s.getProfile(id)?.credential as OAuthCredential | undefined
  } finally {
    s.close()
  }
}

/** Runs one login through the loopback callback; resolves with the exit code. */
async function loginViaCallback(home: TempHome, args: string[]): Promise<Running> {
  const run = start(home, ['models', 'auth', 'login', '--provider', 'openai', ...args])
  const back = await authorize(run, 'dana@example.com')
  back.hostname = '127.0.0.1'
  expect((await fetch(back)).status).toBe(200)
  run.child.stdin?.end()
  return run
}

describe('models auth login --set-default', () => {
  it("replaces the default model with the provider's recommended one; without it the default is kept", async () => {
    const home = makeTempHome()
    configure(home, {
      agents: { defaults: { model: { primary: 'anthropic/claude-x', fallbacks: ['google/g'] } } },
    })
    const keep = await loginViaCallback(home, [])
    expect(await keep.done).toBe(0)
    expect(keep.stdout()).not.toContain('Default model set')
    expect((home.readConfig().agents as { defaults: { model: unknown } }).defaults.model).toEqual({
      primary: 'anthropic/claude-x',
      fallbacks: ['google/g'],
    })
    const set = await loginViaCallback(home, ['--set-default'])
    expect(await set.done).toBe(0)
    expect(set.stdout()).toContain('Default model set to openai/gpt-5.4.')
    // The primary changes; the fallbacks the user chose stay.
    expect((home.readConfig().agents as { defaults: { model: unknown } }).defaults.model).toEqual({
      primary: 'openai/gpt-5.4',
      fallbacks: ['google/g'],
    })
    const status = JSON.parse((await home.run(['models', 'status', '--json'])).stdout)
    expect(status.defaultModel).toBe('openai/gpt-5.4')
  })
})

describe('models auth login --provider openai (OAuth + PKCE)', () => {
  it('callback: the browser redirect on the loopback listener completes the login', async () => {
    const home = makeTempHome()
    configure(home)
    const run = start(home, ['models', 'auth', 'login', '--provider', 'openai'])
    const back = await authorize(run, 'alice@example.com')
    expect(back.hostname).toBe('localhost')
    expect(back.pathname).toBe('/auth/callback')
    back.hostname = '127.0.0.1'
    const page = await fetch(back)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Signed in')
    run.child.stdin?.end()
    expect(await run.done).toBe(0)
    expect(run.stdout()).toContain('Saved openai:alice@example.com (oauth as alice@example.com)')
    const cred = stored(home, 'openai:alice@example.com')!
    expect(cred).toMatchObject({
      type: 'oauth',
      provider: 'openai',
      accountId: 'acct-login',
      email: 'alice@example.com',
    })
    expect(cred.expires).toBeGreaterThan(Date.now() + 50 * 60_000)
    expect((home.readConfig().auth as Record<string, unknown>).profiles).toEqual({
      'openai:alice@example.com': { provider: 'openai', mode: 'oauth', email: 'alice@example.com' },
    })
    expectNoCanary([run.stdout(), run.stderr()], [cred.access!, cred.refresh!])
    const check = await home.run(['models', 'status', '--check'])
    expect(check.code, check.stderr).toBe(0)
  })

  it('headless: the pasted redirect URL wins the race; a wrong state is refused and waited past', async () => {
    const home = makeTempHome()
    configure(home)
    const run = start(home, [
      'models',
      'auth',
      'login',
      '--provider',
      'openai',
      '--profile-id',
      'openai:work',
    ])
    const back = await authorize(run, 'bob@example.com')
    const wrong = new URL(back)
    wrong.searchParams.set('state', 'not-this-login')
    run.child.stdin?.write(`${wrong}\n`)
    await run.waitFor(/does not match this login attempt/)
    run.child.stdin?.write(`${back}\n`)
    expect(await run.done).toBe(0)
    expect(stored(home, 'openai:work')).toMatchObject({ email: 'bob@example.com' })
  })

  it('headless: code#state works too', async () => {
    const home = makeTempHome()
    configure(home)
    const run = start(home, ['models', 'auth', 'login', '--provider', 'openai'])
    const back = await authorize(run)
    run.child.stdin?.write(`${back.searchParams.get('code')}#${back.searchParams.get('state')}\n`)
    expect(await run.done).toBe(0)
    expect(stored(home, 'openai:user@example.com')).toBeDefined()
  })

  it('an error redirect (user denied) fails the login clearly; nothing is saved', async () => {
    const home = makeTempHome()
    configure(home)
    const run = start(home, ['models', 'auth', 'login', '--provider', 'openai'])
    const back = await authorize(run)
    back.hostname = '127.0.0.1'
    back.searchParams.delete('code')
    back.searchParams.set('error', 'access_denied')
    await fetch(back)
    expect(await run.done).toBe(1)
    expect(run.stderr()).toContain('Sign-in failed: the authorization server returned access_denied')
    expect(home.readConfig().auth).toBeUndefined()
  })

  it('--force deletes the saved openai profiles first and says it revokes nothing', async () => {
    const home = makeTempHome()
    configure(home)
    const s = CredentialStore.open(home.storePath())
    s.upsertProfile('openai:old', { type: 'api_key', provider: 'openai', key: canary() })
    s.upsertProfile('anthropic:keep', { type: 'api_key', provider: 'anthropic', key: canary() })
    s.close()
    const run = start(home, ['models', 'auth', 'login', '--provider', 'openai', '--force'])
    await run.waitFor(/removed 1 saved openai profile\(s\) from agent main: openai:old/)
    await run.waitFor(/This does not revoke anything at openai/)
    const back = await authorize(run)
    run.child.stdin?.write(`${back}\n`)
    expect(await run.done).toBe(0)
    expect(stored(home, 'openai:old')).toBeUndefined()
    expect(stored(home, 'anthropic:keep')).toBeDefined()
  })

  it('the stored login refreshes against the same token endpoint', async () => {
    const home = makeTempHome()
    configure(home)
    const run = start(home, ['models', 'auth', 'login', '--provider', 'openai'])
    const back = await authorize(run, 'carol@example.com')
    run.child.stdin?.write(`${back}\n`)
    expect(await run.done).toBe(0)
    const { createOAuthRefresher } = await import('../src/oauth/refresher.ts')
    const store = CredentialStore.open(home.storePath())
    const p = store.getProfile('openai:carol@example.com')!
    store.compareAndSetProfile(p.id, p.generation, {
      ...(p.credential as OAuthCredential),
      expires: Date.now() - 1,
    })
    const refresher = createOAuthRefresher({
      stateDir: home.stateDir,
      config: {
        models: { providers: { openai: { oauth: { tokenUrl: as.tokenUrl, clientId: 'ignored' } } } },
      },
    })
    const r = await refresher.ensureFresh(store, p.id)
    expect('access' in r && r.refreshed).toBe(true)
    refresher.close()
    store.close()
  })
})

describe('models auth login: other methods and errors', () => {
  it('anthropic --method api-key reads the key from stdin like paste-api-key', async () => {
    const home = makeTempHome()
    const key = canary('sk-ant-api03-')
    const r = await home.run(['models', 'auth', 'login', '--provider', 'anthropic', '--method', 'api-key'], {
      stdin: `${key}\n`,
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('Saved anthropic:manual (api_key)')
    expectNoCanary([r.stdout, r.stderr], [key])
  })

  it('anthropic --method cli links the host Claude Code login (account recorded, no token copied)', async () => {
    const home = makeTempHome()
    const access = canary('sk-ant-oat01-')
    const refresh = canary('sk-ant-ort01-')
    fs.mkdirSync(path.join(home.home, '.claude'))
    fs.writeFileSync(
      path.join(home.home, '.claude', '.credentials.json'),
      JSON.stringify({
        claudeAiOauth: { accessToken: access, refreshToken: refresh, expiresAt: Date.now() + 3_600_000 },
      }),
    )
    fs.writeFileSync(
      path.join(home.home, '.claude.json'),
      JSON.stringify({ oauthAccount: { emailAddress: 'me@example.com', accountUuid: 'uuid-1' } }),
    )
    const fakeDir = path.join(ROOT, 'test', 'fixtures', 'fake-claude')
    const r = await home.run(['models', 'auth', 'login', '--provider', 'anthropic', '--method', 'cli'], {
      env: { PATH: `${fakeDir}:${home.env.PATH}` },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(
      'Linked the Claude Code login on this host (me@example.com) to the claude-cli backend; no token was copied.',
    )
    const cfg = home.readConfig() as { agents: { defaults: { cliBackends: Record<string, unknown> } } }
    expect(cfg.agents.defaults.cliBackends['claude-cli']).toEqual({
      account: { email: 'me@example.com', accountUuid: 'uuid-1' },
    })
    expect(fs.existsSync(home.storePath())).toBe(false)
    expectNoCanary(
      [r.stdout, r.stderr, fs.readFileSync(path.join(home.stateDir, 'openclaw.json'), 'utf8')],
      [access, refresh],
    )
    const none = makeTempHome()
    const r2 = await none.run(['models', 'auth', 'login', '--provider', 'anthropic', '--method', 'cli'], {
      env: { PATH: `${fakeDir}:${none.env.PATH}` },
    })
    expect(r2.code).toBe(1)
    expect(r2.stderr).toContain("The host's Claude Code CLI is not logged in")
  })

  it('a provider without OAuth data and an unknown method fail with the fix', async () => {
    const home = makeTempHome()
    const r = await home.run(['models', 'auth', 'login', '--provider', 'openrouter', '--method', 'oauth'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('Provider "openrouter" has no OAuth login configured.')
    expect(r.stderr).toContain('models.providers.openrouter.oauth')
    const m = await home.run(['models', 'auth', 'login', '--provider', 'openai', '--method', 'magic'])
    expect(m.code).toBe(64)
    expect(m.stderr).toContain('Methods for openai: oauth, api-key.')
  })
})
