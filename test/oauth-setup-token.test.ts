/**
 * `openclaw models auth setup-token --provider anthropic` with a fake `claude`: in a real
 * pseudo-terminal (util-linux `script`) it runs `claude setup-token`, stores the printed token
 * as a `token` profile and never shows it; without a TTY it explains itself and names the
 * paste-token alternative.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { TokenCredential } from '../src/auth/types.ts'
import { CredentialStore } from '../src/store/credential-store.ts'
import { BIN, canary, expectNoCanary, makeTempHome, ROOT, type TempHome } from './support/cli.ts'

const FAKE_DIR = path.join(ROOT, 'test', 'fixtures', 'fake-claude')
const DAY = 86_400_000

/** Runs openclaw under `script` so its stdin/stdout are a terminal; answers one prompt. */
function inPty(
  home: TempHome,
  args: string[],
  env: Record<string, string>,
  answer: { after: RegExp; send: string },
) {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  const child = spawn('script', ['-q', '-e', '-c', cmd, '/dev/null'], {
    env: { ...home.env, PATH: `${FAKE_DIR}:${home.env.PATH}`, TERM: 'xterm', ...env },
    cwd: home.home,
    stdio: 'pipe',
  })
  let output = ''
  let answered = false
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    output += d
    if (!answered && answer.after.test(output)) {
      answered = true
      child.stdin.write(answer.send)
    }
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    }),
  )
}

function storedToken(home: TempHome, id: string): TokenCredential | undefined {
  const s = CredentialStore.open(home.storePath(), { readonly: true })
  try {
    return s.getProfile(id)?.credential as TokenCredential | undefined
  } finally {
    s.close()
  }
}

describe('models auth setup-token --provider anthropic', () => {
  it('in a terminal: runs claude setup-token, stores the token it printed, never shows it', async () => {
    const home = makeTempHome()
    const token = canary('sk-ant-oat01-')
    const r = await inPty(
      home,
      ['models', 'auth', 'setup-token', '--provider', 'anthropic'],
      { FAKE_CLAUDE_TOKEN: token },
      { after: /Paste code here if prompted >/, send: 'the-code-from-the-browser\r' },
    )
    expect(r.code, r.output).toBe(0)
    expect(r.output).toContain(
      'Saved anthropic:default (token, from claude setup-token, expires in 365d as claude stated)',
    )
    expect(r.output).toContain('sk-ant-oat01-[hidden by openclaw]')
    expect(storedToken(home, 'anthropic:default')).toMatchObject({
      type: 'token',
      provider: 'anthropic',
      token,
    })
    expect((home.readConfig().auth as { profiles: unknown }).profiles).toEqual({
      'anthropic:default': { provider: 'anthropic', mode: 'token' },
    })
    expectNoCanary([r.output], [token])
    // The one-year lifetime claude stated is recorded, so --check can warn before it dies.
    const expires = storedToken(home, 'anthropic:default')?.expires ?? 0
    expect(Math.abs(expires - (Date.now() + 365 * DAY))).toBeLessThan(60_000)
    const status = await home.run(['models', 'status', '--check'])
    expect(status.code, status.stderr).toBe(0)
  })

  it('records an expiry: --expires-in wins, else claude stating none means the documented 365 days', async () => {
    const home = makeTempHome()
    const flagged = await inPty(
      home,
      [
        'models',
        'auth',
        'setup-token',
        '--provider',
        'anthropic',
        '--profile-id',
        'anthropic:short',
        '--expires-in',
        '12h',
      ],
      { FAKE_CLAUDE_TOKEN: canary('sk-ant-oat01-') },
      { after: /Paste code here if prompted >/, send: 'code\r' },
    )
    expect(flagged.code, flagged.output).toBe(0)
    expect(flagged.output).toContain('expires in 12h --expires-in')
    const short = storedToken(home, 'anthropic:short')?.expires ?? 0
    expect(Math.abs(short - (Date.now() + 12 * 3_600_000))).toBeLessThan(60_000)
    // Expiring within 24 h: the cron check says so.
    expect((await home.run(['models', 'status', '--check'])).code).toBe(2)

    const silent = await inPty(
      home,
      ['models', 'auth', 'setup-token', '--provider', 'anthropic', '--profile-id', 'anthropic:quiet'],
      { FAKE_CLAUDE_TOKEN: canary('sk-ant-oat01-'), FAKE_CLAUDE_VALIDITY: 'none' },
      { after: /Paste code here if prompted >/, send: 'code\r' },
    )
    expect(silent.code, silent.output).toBe(0)
    expect(silent.output).toContain('expires in 365d default')
    const quiet = storedToken(home, 'anthropic:quiet')?.expires ?? 0
    expect(Math.abs(quiet - (Date.now() + 365 * DAY))).toBeLessThan(60_000)
  })

  it('help names the id it really uses (anthropic:default) and the recorded expiry', async () => {
    const home = makeTempHome()
    const help = await home.run(['models', 'auth', 'setup-token', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('default anthropic:default')
    expect(help.stdout).not.toContain('<provider>:manual')
    expect(help.stdout).toContain('else 365d')
  })

  it('a token the terminal wrapped over several lines is re-joined, and no part of it is shown', async () => {
    const home = makeTempHome()
    const token = canary('sk-ant-oat01-')
    const r = await inPty(
      home,
      ['models', 'auth', 'setup-token', '--provider', 'anthropic', '--profile-id', 'anthropic:sub'],
      { FAKE_CLAUDE_TOKEN: token, FAKE_CLAUDE_WRAP: '16' },
      { after: /Paste code here if prompted >/, send: 'code\r' },
    )
    expect(r.code, r.output).toBe(0)
    expect(storedToken(home, 'anthropic:sub')?.token).toBe(token)
    expect(r.output).not.toContain(token.slice(20, 36))
    expectNoCanary([r.output], [token])
  })

  it('claude setup-token failing stores nothing and says how to paste instead', async () => {
    const home = makeTempHome()
    const r = await inPty(
      home,
      ['models', 'auth', 'setup-token', '--provider', 'anthropic'],
      {},
      { after: /Paste code here if prompted >/, send: 'deny\r' },
    )
    expect(r.code).toBe(1)
    expect(r.output).toContain('without printing a token')
    expect(r.output).toContain('paste-token --provider anthropic')
    expect(storedToken(home, 'anthropic:default')).toBeUndefined()
  })

  it('without a TTY: a clear error and the paste-token alternative; claude is not run', async () => {
    const home = makeTempHome()
    const r = await home.run(['models', 'auth', 'setup-token', '--provider', 'anthropic'], {
      env: { PATH: `${FAKE_DIR}:${home.env.PATH}` },
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('`claude setup-token` needs an interactive terminal, and stdin is not one.')
    expect(r.stderr).toContain(
      `printf '%s\\n' "$TOKEN" | openclaw models auth paste-token --provider anthropic`,
    )
  })

  it('claude missing: says to install it or set cliBackends.claude-cli.command', async () => {
    const home = makeTempHome()
    const r = await inPty(
      home,
      ['models', 'auth', 'setup-token', '--provider', 'anthropic'],
      { PATH: '/usr/bin:/bin' },
      {
        after: /$^/,
        send: '',
      },
    )
    expect(r.code).toBe(1)
    expect(r.output).toContain('The Claude Code CLI (`claude`) is not on PATH.')
    expect(r.output).toContain('agents.defaults.cliBackends.claude-cli.command')
  })
})
