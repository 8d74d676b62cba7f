/**
 * Runs `claude -p` for one request and streams its stdout. The prompt goes on stdin (argv is
 * visible in `ps`), the environment is rebuilt from a short pass-list, and the credential is
 * chosen explicitly: an OpenClaw-managed key or token is passed in the variable Claude Code
 * reads for it; `cli` passes none (and strips inherited ones) so `claude` uses its own login.
 */
import { spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import type { AbortLike } from '../util/abort-like.ts'

type Env = Readonly<Record<string, string | undefined>>

export type ClaudeCredential =
  | { kind: 'cli' }
  | { kind: 'api_key'; secret: string }
  /** setup-token or an OAuth access token. */
  | { kind: 'token'; secret: string }

export interface ClaudePrintOptions {
  command: string
  prompt: string
  credential: ClaudeCredential
  env: Env
  /** More variable names to copy from `env` (e.g. from cliBackends.claude-cli.passEnv). */
  passEnv?: readonly string[]
  model?: string
  /** Extra argv after `-p`, e.g. ['--output-format', 'stream-json', '--verbose']. */
  args?: string[]
  cwd?: string
  signal?: AbortLike
  timeoutMs?: number
}

export interface ClaudePrintRun {
  pid: number | undefined
  stdout: Readable
  /** Exit status; stderr tail with any secret removed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; timedOut: boolean }>
}

const PASS_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'TERM',
  'TMPDIR',
  'SHELL',
  'CLAUDE_CONFIG_DIR',
  'XDG_CONFIG_HOME',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
]
const STDERR_TAIL = 4096

export function childEnv(
  env: Env,
  credential: ClaudeCredential,
  passEnv: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {}
  // Credential variables only ever come from the explicit selection below.
  const extra = passEnv.filter(
    (k) => k !== 'ANTHROPIC_API_KEY' && k !== 'CLAUDE_CODE_OAUTH_TOKEN' && k !== 'ANTHROPIC_AUTH_TOKEN',
  )
  for (const k of [...PASS_ENV, ...extra]) {
    const v = env[k]
    if (v !== undefined) out[k] = v
  }
  if (credential.kind === 'api_key') out.ANTHROPIC_API_KEY = credential.secret
  if (credential.kind === 'token') out.CLAUDE_CODE_OAUTH_TOKEN = credential.secret
  return out
}

export function spawnClaudePrint(opts: ClaudePrintOptions): ClaudePrintRun {
  const argv = ['-p', ...(opts.model ? ['--model', opts.model] : []), ...(opts.args ?? [])]
  const child = spawn(opts.command, argv, {
    env: childEnv(opts.env, opts.credential, opts.passEnv),
    cwd: opts.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own process group, so a timeout or abort also ends whatever claude started.
    detached: true,
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_TAIL)
  })
  let timedOut = false
  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM')
    } catch {
      child.kill('SIGTERM')
    }
  }
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true
        kill()
      }, opts.timeoutMs)
    : undefined
  opts.signal?.addEventListener('abort', kill, { once: true })
  child.stdin?.on('error', () => {})
  child.stdin?.end(opts.prompt)
  const secret = opts.credential.kind === 'cli' ? undefined : opts.credential.secret
  const done = new Promise<{
    code: number | null
    signal: NodeJS.Signals | null
    stderr: string
    timedOut: boolean
  }>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      opts.signal?.removeEventListener('abort', kill)
      resolve({ code, signal, stderr: secret ? stderr.split(secret).join('[redacted]') : stderr, timedOut })
    })
  })
  return { pid: child.pid, stdout: child.stdout!, done }
}
