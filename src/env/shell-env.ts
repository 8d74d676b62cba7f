/**
 * Opt-in import of variables a login shell would define (auth-spec 2.5, step 5): a gateway
 * started by launchd/systemd lacks what ~/.profile exports. Only expected, still-missing names
 * are taken, and any failure (timeout, crash, odd output) yields nothing: the caller reports
 * it, start-up never fails or hangs because of a user's shell rc files.
 */
import type { spawnSync as SpawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'

type Env = Readonly<Record<string, string | undefined>>

export const SHELL_ENV_MAX_BUFFER = 1024 * 1024
/** Printed before `env -0` so greetings from rc files on stdout are not mistaken for variables. */
const MARKER = '__OPENCLAW_SHELL_ENV__'
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

// Loaded on first use: the import is opt-in and child_process costs start-up time otherwise.
let spawnSync: typeof SpawnSync | undefined

export type ShellEnvResult = { ok: true; env: Record<string, string> } | { ok: false; reason: string }

export function shellArgs(shell: string): string[] {
  const command = `printf '%s\\0' ${MARKER}; env -0`
  // bash reads ~/.bashrc only when interactive, and that is where most users export keys.
  return path.basename(shell) === 'bash' ? ['-lic', command] : ['-l', '-c', command]
}

export function readLoginShellEnv(opts: { env: Env; timeoutMs: number; shell?: string }): ShellEnvResult {
  const shell = opts.shell ?? (opts.env.SHELL?.trim() || '/bin/sh')
  const childEnv: Record<string, string> = {}
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) childEnv[k] = v
  spawnSync ??= (createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process'))
    .spawnSync
  let res: ReturnType<typeof SpawnSync>
  try {
    res = spawnSync(shell, shellArgs(shell), {
      env: childEnv,
      // No stdin: an interactive shell must not wait for the terminal.
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: SHELL_ENV_MAX_BUFFER,
      windowsHide: true,
    })
  } catch (err) {
    return { ok: false, reason: `could not start ${shell}: ${(err as Error).message}` }
  }
  const code = (res.error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ETIMEDOUT')
    return { ok: false, reason: `${shell} did not finish within ${opts.timeoutMs} ms` }
  if (code === 'ENOBUFS')
    return { ok: false, reason: `${shell} printed more than ${SHELL_ENV_MAX_BUFFER} bytes` }
  if (res.error) return { ok: false, reason: `could not run ${shell}: ${res.error.message}` }
  if (res.signal) return { ok: false, reason: `${shell} was killed by ${res.signal}` }
  if (res.status !== 0) return { ok: false, reason: `${shell} exited with status ${res.status}` }
  return { ok: true, env: parseEnvNul(String(res.stdout ?? '')) }
}

/** Parses `env -0` output; anything before the marker (rc-file chatter) is dropped. */
export function parseEnvNul(output: string): Record<string, string> {
  const start = output.indexOf(`${MARKER}\0`)
  const body = start >= 0 ? output.slice(start + MARKER.length + 1) : output
  const out: Record<string, string> = {}
  for (const entry of body.split('\0')) {
    const eq = entry.indexOf('=')
    if (eq <= 0) continue
    const name = entry.slice(0, eq)
    if (NAME_RE.test(name)) out[name] = entry.slice(eq + 1)
  }
  return out
}

export interface ShellImport {
  /** Names taken from the shell, with their values. */
  applied: Record<string, string>
  /** Set when the shell could not be read; nothing was applied. */
  error?: string
}

/** Imports the `expectedKeys` that `current` lacks; never throws. */
export function importShellEnv(opts: {
  current: Readonly<Record<string, string | undefined>>
  expectedKeys: readonly string[]
  timeoutMs: number
  env: Env
  shell?: string
}): ShellImport {
  const wanted = opts.expectedKeys.filter((k) => opts.current[k] === undefined)
  if (wanted.length === 0) return { applied: {} }
  const res = readLoginShellEnv({ env: opts.env, timeoutMs: opts.timeoutMs, shell: opts.shell })
  if (!res.ok) return { applied: {}, error: res.reason }
  const applied: Record<string, string> = {}
  for (const k of wanted) {
    const v = res.env[k]
    if (v !== undefined && v !== '') applied[k] = v
  }
  return { applied }
}
