/**
 * Claude CLI reuse with a fake `claude`: the read-only credentials reader (TTL, refresh token
 * never exposed), the account check, and `claude -p` spawned with exactly the selected
 * credential (never on argv, never inherited), streaming its output.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { canary, expectNoCanary, ROOT } from '../../test/support/cli.ts'
import { createClaudeCliBackend } from './backend.ts'
import { ClaudeCliLoginReader, readClaudeCliLogin } from './credentials.ts'

const FAKE = path.join(ROOT, 'test', 'fixtures', 'fake-claude', 'claude')
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function claudeHome(
  account: { email: string; accountUuid: string } | undefined,
  access?: string,
  refresh?: string,
) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-claude-'))
  dirs.push(home)
  fs.mkdirSync(path.join(home, '.claude'))
  if (access) {
    fs.writeFileSync(
      path.join(home, '.claude', '.credentials.json'),
      JSON.stringify({
        claudeAiOauth: {
          accessToken: access,
          refreshToken: refresh,
          expiresAt: Date.now() + 3_600_000,
          scopes: ['user:inference'],
          subscriptionType: 'max',
        },
      }),
      { mode: 0o600 },
    )
  }
  if (account) {
    fs.writeFileSync(
      path.join(home, '.claude.json'),
      JSON.stringify({ oauthAccount: { emailAddress: account.email, accountUuid: account.accountUuid } }),
    )
  }
  return home
}

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  let s = ''
  for await (const chunk of stream) s += String(chunk)
  return s
}

function logOf(file: string): Array<Record<string, unknown>> {
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : []
}

describe('Claude Code credentials (read-only)', () => {
  it('reads the login and the account; the refresh token never leaves the reader; files untouched', () => {
    const refresh = canary('sk-ant-ort01-')
    const home = claudeHome(
      { email: 'me@example.com', accountUuid: 'uuid-1' },
      canary('sk-ant-oat01-'),
      refresh,
    )
    const file = path.join(home, '.claude', '.credentials.json')
    const before = fs.readFileSync(file, 'utf8')
    const mtime = fs.statSync(file).mtimeMs
    const login = readClaudeCliLogin({ HOME: home }, 1)
    expect(login).toMatchObject({
      loggedIn: true,
      subscriptionType: 'max',
      account: { email: 'me@example.com', accountUuid: 'uuid-1' },
    })
    expectNoCanary([JSON.stringify(login)], [refresh])
    expect(fs.readFileSync(file, 'utf8')).toBe(before)
    expect(fs.statSync(file).mtimeMs).toBe(mtime)
  })

  it('re-reads only after the TTL (Claude Code refreshes its own tokens)', () => {
    const home = claudeHome(
      { email: 'a@example.com', accountUuid: 'u' },
      'sk-ant-oat01-first-aaaaaaaaaaaaaaaaaaaa',
    )
    let now = 0
    const reader = new ClaudeCliLoginReader({ HOME: home }, () => now, 1000)
    expect(reader.get().accessToken).toContain('first')
    fs.writeFileSync(
      path.join(home, '.claude', '.credentials.json'),
      JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-second-aaaaaaaaaaaaaaaaaa' } }),
    )
    now = 999
    expect(reader.get().accessToken).toContain('first')
    now = 1000
    expect(reader.get().accessToken).toContain('second')
  })

  it('CLAUDE_CONFIG_DIR moves both files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-claude-cfg-'))
    dirs.push(dir)
    fs.writeFileSync(
      path.join(dir, '.credentials.json'),
      JSON.stringify({ claudeAiOauth: { accessToken: 'x-token' } }),
    )
    fs.writeFileSync(
      path.join(dir, '.claude.json'),
      JSON.stringify({ oauthAccount: { emailAddress: 'c@example.com' } }),
    )
    expect(readClaudeCliLogin({ HOME: '/nonexistent', CLAUDE_CONFIG_DIR: dir }, 0)).toMatchObject({
      loggedIn: true,
      account: { email: 'c@example.com' },
    })
  })
})

describe('claude-cli backend: claude -p', () => {
  const config = (account?: { email?: string; accountUuid?: string }) => ({
    agents: {
      defaults: {
        cliBackends: {
          'claude-cli': {
            command: FAKE,
            passEnv: ['FAKE_CLAUDE_LOG', 'FAKE_CLAUDE_FAIL'],
            ...(account ? { account } : {}),
          },
        },
      },
    },
  })

  it("uses claude's own login when the account matches; inherited Anthropic env vars are not passed", async () => {
    const home = claudeHome(
      { email: 'me@example.com', accountUuid: 'uuid-1' },
      'sk-ant-oat01-own-aaaaaaaaaaaaaaaaaaaaa',
    )
    const log = path.join(home, 'claude.log')
    const inherited = canary('sk-ant-api03-')
    const backend = createClaudeCliBackend({
      config: config({ email: 'me@example.com', accountUuid: 'uuid-1' }),
      env: { HOME: home, PATH: process.env.PATH, ANTHROPIC_API_KEY: inherited, FAKE_CLAUDE_LOG: log },
    })
    const run = backend.start({
      prompt: 'hello there',
      credential: { kind: 'cli' },
      model: 'claude-sonnet-4-5',
    })
    const text = await collect(run.stdout)
    expect((await run.done).code).toBe(0)
    expect(text).toBe('fake claude (cli) says: hello there\n')
    expect(logOf(log)[0]).toMatchObject({ auth: 'cli', argv: ['-p', '--model', 'claude-sonnet-4-5'] })
  })

  it('passes a selected API key or token in the env var claude reads, never on argv', async () => {
    const home = claudeHome(undefined)
    const log = path.join(home, 'claude.log')
    const key = canary('sk-ant-api03-')
    const token = canary('sk-ant-oat01-')
    const backend = createClaudeCliBackend({
      config: config(),
      env: { HOME: home, PATH: process.env.PATH, FAKE_CLAUDE_LOG: log },
    })
    for (const credential of [
      { kind: 'api_key', secret: key },
      { kind: 'token', secret: token },
    ] as const) {
      const run = backend.start({ prompt: 'p', credential })
      await collect(run.stdout)
      await run.done
    }
    const entries = logOf(log)
    expect(entries.map((e) => e.auth)).toEqual(['api_key', 'token'])
    expectNoCanary([JSON.stringify(entries)], [key, token])
  })

  it('refuses before spawning when the host claude is logged into another account, with the exact commands', () => {
    const home = claudeHome(
      { email: 'other@example.com', accountUuid: 'uuid-2' },
      'sk-ant-oat01-other-aaaaaaaaaaaaaaaaaaa',
    )
    const log = path.join(home, 'claude.log')
    const backend = createClaudeCliBackend({
      config: config({ email: 'me@example.com', accountUuid: 'uuid-1' }),
      env: { HOME: home, PATH: process.env.PATH, FAKE_CLAUDE_LOG: log },
    })
    let caught: unknown
    try {
      backend.start({ prompt: 'p', credential: { kind: 'cli' } })
    } catch (e) {
      caught = e
    }
    expect(caught).toMatchObject({
      code: 'invalid_credential',
      message:
        "The host's `claude` is logged in as other@example.com, but the claude-cli backend is linked to me@example.com; refusing to run it as another account.",
      hint: 'Log claude back in as me@example.com: claude auth logout && claude auth login. Or link the new account: openclaw models auth login --provider anthropic --method cli',
    })
    expect(logOf(log)).toEqual([])
  })

  it('not logged in at all: refuses with the login command', () => {
    const home = claudeHome(undefined)
    const backend = createClaudeCliBackend({ config: config(), env: { HOME: home, PATH: process.env.PATH } })
    expect(() => backend.start({ prompt: 'p', credential: { kind: 'cli' } })).toThrow(/not logged in/)
  })

  it('a failing claude: exit code reported, its stderr tail has the secret removed', async () => {
    const home = claudeHome(undefined)
    const key = canary('sk-ant-api03-')
    const backend = createClaudeCliBackend({
      config: config(),
      env: { HOME: home, PATH: process.env.PATH, FAKE_CLAUDE_FAIL: '1' },
    })
    const run = backend.start({ prompt: 'p', credential: { kind: 'api_key', secret: key } })
    await collect(run.stdout)
    const done = await run.done
    expect(done.code).toBe(1)
    expect(done.stderr).toContain('API Error: 401 invalid credential [redacted]')
    expectNoCanary([done.stderr], [key])
  })
})
