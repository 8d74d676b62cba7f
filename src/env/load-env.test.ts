import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isBlockedInWorkspaceDotenv, loadLayeredEnv } from './load-env.ts'

function setup(cwdEnv?: string, stateEnv?: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-env-'))
  const cwd = path.join(root, 'project')
  const stateDir = path.join(root, 'state')
  fs.mkdirSync(cwd)
  fs.mkdirSync(stateDir)
  if (cwdEnv !== undefined) fs.writeFileSync(path.join(cwd, '.env'), cwdEnv)
  if (stateEnv !== undefined) fs.writeFileSync(path.join(stateDir, '.env'), stateEnv)
  return { root, cwd, stateDir }
}

function fakeShell(exports: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oc-env-shell-')), 'sh')
  fs.writeFileSync(file, `#!/bin/sh\n${exports}\nfor a; do last="$a"; done\nexec /bin/sh -c "$last"\n`, {
    mode: 0o700,
  })
  return file
}

describe('isBlockedInWorkspaceDotenv', () => {
  it.each([
    'ANTHROPIC_API_KEY',
    'OPENAI_API_KEYS',
    'ANTHROPIC_API_KEY_2',
    'ANTHROPIC_OAUTH_TOKEN',
    'GITHUB_TOKEN',
    'SOME_SECRET',
    'DB_PASSWORD',
    'OPENAI_BASE_URL',
    'OLLAMA_API_HOST',
    'AZURE_ENDPOINT',
    'MATRIX_HOMESERVER',
    'OPENCLAW_STATE_DIR',
    'OPENCLAW_LOAD_SHELL_ENV',
    'CLAWHUB_URL',
    'GOOGLE_API_KEY',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'anthropic_api_key',
  ])('blocks %s', (name) => {
    expect(isBlockedInWorkspaceDotenv(name)).toBe(true)
  })

  it.each(['NODE_ENV', 'DEBUG', 'PORT', 'AWS_REGION', 'API_KEYBOARD'])('allows %s', (name) => {
    expect(isBlockedInWorkspaceDotenv(name)).toBe(false)
  })
})

describe('loadLayeredEnv precedence', () => {
  it('process env beats both .env files; state .env fills what the process lacks; config vars last', () => {
    const { cwd, stateDir } = setup(
      'SHARED=cwd\nCWD_ONLY=cwd\nBOTH_FILES=cwd\n',
      'SHARED=state\nBOTH_FILES=state\nSTATE_ONLY=state\nFROM_CONFIG=state\n',
    )
    const r = loadLayeredEnv({
      processEnv: { SHARED: 'process', UNSET: undefined },
      cwd,
      stateDir,
      config: { env: { vars: { FROM_CONFIG: 'config', CONFIG_ONLY: 'config', SHARED: 'config' } } },
    })
    expect(r.values.SHARED).toBe('process')
    expect(r.values.CWD_ONLY).toBe('cwd')
    expect(r.values.BOTH_FILES).toBe('cwd')
    expect(r.values.STATE_ONLY).toBe('state')
    expect(r.values.FROM_CONFIG).toBe('state')
    expect(r.values.CONFIG_ONLY).toBe('config')
    expect('UNSET' in r.values).toBe(false)
    expect(r.entries.get('SHARED')).toEqual({ value: 'process', source: 'process' })
    expect(r.entries.get('STATE_ONLY')).toEqual({
      value: 'state',
      source: 'state-dotenv',
      file: path.join(stateDir, '.env'),
    })
    expect(r.entries.get('CWD_ONLY')?.source).toBe('cwd-dotenv')
    expect(r.entries.get('CONFIG_ONLY')?.source).toBe('config')
    expect(r.files).toEqual([path.join(cwd, '.env'), path.join(stateDir, '.env')])
  })

  it('the workspace .env cannot set credentials or OpenClaw settings; <state>/.env can', () => {
    const { cwd, stateDir } = setup(
      'ANTHROPIC_API_KEY=sk-from-repo\nOPENCLAW_STATE_DIR=/tmp/evil\nOPENAI_BASE_URL=https://evil.example\nHARMLESS=1\n',
      'ANTHROPIC_API_KEY=sk-from-state\nOPENCLAW_STATE_DIR=/srv/openclaw\n',
    )
    const r = loadLayeredEnv({ processEnv: {}, cwd, stateDir })
    expect(r.values.ANTHROPIC_API_KEY).toBe('sk-from-state')
    expect(r.entries.get('ANTHROPIC_API_KEY')?.source).toBe('state-dotenv')
    expect(r.values.OPENCLAW_STATE_DIR).toBe('/srv/openclaw')
    expect(r.values.OPENAI_BASE_URL).toBeUndefined()
    expect(r.values.HARMLESS).toBe('1')
    const cwdFile = path.join(cwd, '.env')
    expect(r.ignored.map((i) => [i.name, i.file]).sort()).toEqual([
      ['ANTHROPIC_API_KEY', cwdFile],
      ['OPENAI_BASE_URL', cwdFile],
      ['OPENCLAW_STATE_DIR', cwdFile],
    ])
    for (const i of r.ignored) expect(i.reason).not.toContain('sk-from-repo')
  })

  it('reads a .env once, as the trusted state file, when cwd is the state dir', () => {
    const { stateDir } = setup(undefined, 'ANTHROPIC_API_KEY=sk-state\n')
    const r = loadLayeredEnv({ processEnv: {}, cwd: stateDir, stateDir })
    expect(r.files).toEqual([path.join(stateDir, '.env')])
    expect(r.entries.get('ANTHROPIC_API_KEY')?.source).toBe('state-dotenv')
    expect(r.ignored).toEqual([])
  })

  it('missing files are skipped silently; an unreadable one is reported', () => {
    const { cwd, stateDir } = setup()
    expect(loadLayeredEnv({ processEnv: {}, cwd, stateDir })).toMatchObject({ files: [], ignored: [] })
    fs.mkdirSync(path.join(cwd, '.env'))
    const r = loadLayeredEnv({ processEnv: {}, cwd, stateDir })
    expect(r.ignored).toEqual([{ name: '*', file: path.join(cwd, '.env'), reason: 'unreadable (EISDIR)' }])
  })
})

describe('loadLayeredEnv login-shell import', () => {
  it('is off unless enabled', () => {
    const { cwd, stateDir } = setup()
    const shell = fakeShell('export SHELL_KEY=from-shell')
    const r = loadLayeredEnv({
      processEnv: { SHELL: shell, PATH: process.env.PATH },
      cwd,
      stateDir,
      shell: { enabled: false, timeoutMs: 5000, expectedKeys: ['SHELL_KEY'] },
    })
    expect(r.values.SHELL_KEY).toBeUndefined()
    expect(r.shellApplied).toEqual([])
  })

  it('imports only missing expected keys, after every other layer', () => {
    const { cwd, stateDir } = setup(undefined, 'STATE_KEY=state\n')
    const shell = fakeShell('export SHELL_KEY=from-shell STATE_KEY=shell UNEXPECTED=1')
    const r = loadLayeredEnv({
      processEnv: { SHELL: shell, PATH: process.env.PATH },
      cwd,
      stateDir,
      shell: { enabled: true, timeoutMs: 5000, expectedKeys: ['SHELL_KEY', 'STATE_KEY'] },
    })
    expect(r.values.SHELL_KEY).toBe('from-shell')
    expect(r.entries.get('SHELL_KEY')).toEqual({ value: 'from-shell', source: 'shell' })
    expect(r.values.STATE_KEY).toBe('state')
    expect(r.values.UNEXPECTED).toBeUndefined()
    expect(r.shellApplied).toEqual(['SHELL_KEY'])
  })

  it('OPENCLAW_LOAD_SHELL_ENV=1 enables it; OPENCLAW_SHELL_ENV_TIMEOUT_MS bounds it', () => {
    const { cwd, stateDir } = setup()
    const shell = fakeShell('sleep 10')
    const started = Date.now()
    const r = loadLayeredEnv({
      processEnv: {
        SHELL: shell,
        PATH: process.env.PATH,
        OPENCLAW_LOAD_SHELL_ENV: '1',
        OPENCLAW_SHELL_ENV_TIMEOUT_MS: '250',
      },
      cwd,
      stateDir,
      shell: { enabled: false, timeoutMs: 15_000, expectedKeys: ['SHELL_KEY'] },
    })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(r.shellApplied).toEqual([])
    expect(r.shellError).toContain('250 ms')
  })
})
