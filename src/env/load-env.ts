/**
 * The layered environment (DECISIONS section 6, auth-spec 2.5): process env, then `<cwd>/.env`,
 * then `<state>/.env`, then config `env.vars`, then an opt-in login-shell import. A name set
 * by an earlier layer is never overridden by a later one. The workspace `.env` is untrusted
 * (it arrives with whatever repository you cd into), so it may not supply credentials,
 * endpoints or OpenClaw settings. Nothing here mutates process.env.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { OpenclawConfig } from '../config/types.ts'
import { parseDotenv } from './dotenv.ts'
import { importShellEnv } from './shell-env.ts'

export type EnvSource = 'process' | 'cwd-dotenv' | 'state-dotenv' | 'config' | 'shell'

export interface EnvEntry {
  value: string
  source: EnvSource
  file?: string
}

export interface LoadedEnv {
  values: Record<string, string>
  entries: Map<string, EnvEntry>
  files: string[]
  ignored: Array<{ name: string; file: string; reason: string }>
  shellApplied: string[]
  /** Why the login-shell import produced nothing (timeout, exit status...), for a diagnostic. */
  shellError?: string
}

export const DEFAULT_SHELL_ENV_TIMEOUT_MS = 15_000

const BLOCKED_PREFIXES = ['OPENCLAW_', 'CLAWHUB_']
const CREDENTIAL_SUFFIXES = ['_API_KEY', '_API_KEYS', '_OAUTH_TOKEN', '_TOKEN', '_SECRET', '_PASSWORD']
const ENDPOINT_SUFFIXES = ['_BASE_URL', '_API_HOST', '_ENDPOINT', '_HOMESERVER']
/** Credentials, or pointers to credentials, that do not follow the suffix conventions. */
const BLOCKED_NAMES = new Set([
  'GOOGLE_API_KEY',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
])

/** Why a workspace `.env` may not set `name`, or undefined when it may. */
export function workspaceDotenvBlockReason(name: string): string | undefined {
  // Case-folded: a lower-case spelling must not slip past (env names are case-sensitive on
  // POSIX, but several tools look names up case-insensitively).
  const upper = name.toUpperCase()
  if (BLOCKED_PREFIXES.some((p) => upper.startsWith(p))) {
    return 'OpenClaw settings are not read from a workspace .env; use the process env or <state>/.env'
  }
  if (
    BLOCKED_NAMES.has(upper) ||
    CREDENTIAL_SUFFIXES.some((s) => upper.endsWith(s)) ||
    upper.includes('_API_KEY_')
  ) {
    return 'provider credentials are not read from a workspace .env; put them in <state>/.env or use openclaw models auth'
  }
  if (ENDPOINT_SUFFIXES.some((s) => upper.endsWith(s))) {
    return 'endpoint overrides are not read from a workspace .env (they would redirect your credentials)'
  }
  return undefined
}

export function isBlockedInWorkspaceDotenv(name: string): boolean {
  return workspaceDotenvBlockReason(name) !== undefined
}

export interface LoadLayeredEnvOptions {
  processEnv: Readonly<Record<string, string | undefined>>
  cwd: string
  stateDir: string
  config?: OpenclawConfig | undefined
  shell?: { enabled: boolean; timeoutMs: number; expectedKeys: readonly string[] } | undefined
}

export function loadLayeredEnv(opts: LoadLayeredEnvOptions): LoadedEnv {
  const loaded: LoadedEnv = { values: {}, entries: new Map(), files: [], ignored: [], shellApplied: [] }
  const set = (name: string, entry: EnvEntry): void => {
    // `__proto__` as a plain assignment would replace the prototype of `values`.
    if (loaded.entries.has(name) || name === '__proto__') return
    loaded.entries.set(name, entry)
    loaded.values[name] = entry.value
  }

  for (const [name, value] of Object.entries(opts.processEnv)) {
    if (value !== undefined) set(name, { value, source: 'process' })
  }

  const cwdFile = path.resolve(opts.cwd, '.env')
  const stateFile = path.resolve(opts.stateDir, '.env')
  // Same directory: that file is the trusted state .env, read once, without the blocklist.
  if (cwdFile !== stateFile) readDotenvLayer(loaded, cwdFile, 'cwd-dotenv', set)
  readDotenvLayer(loaded, stateFile, 'state-dotenv', set)

  for (const [name, value] of Object.entries(opts.config?.env?.vars ?? {}))
    set(name, { value, source: 'config' })

  applyShellLayer(loaded, opts, set)
  return loaded
}

function readDotenvLayer(
  loaded: LoadedEnv,
  file: string,
  source: 'cwd-dotenv' | 'state-dotenv',
  set: (name: string, entry: EnvEntry) => void,
): void {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      loaded.ignored.push({ name: '*', file, reason: `unreadable (${code ?? (err as Error).message})` })
    }
    return
  }
  loaded.files.push(file)
  for (const [name, value] of Object.entries(parseDotenv(text))) {
    if (source === 'cwd-dotenv') {
      const reason = workspaceDotenvBlockReason(name)
      if (reason !== undefined) {
        loaded.ignored.push({ name, file, reason })
        continue
      }
    }
    if (value.includes('\0')) {
      loaded.ignored.push({ name, file, reason: 'value contains a NUL character' })
      continue
    }
    set(name, { value, source, file })
  }
}

function applyShellLayer(
  loaded: LoadedEnv,
  opts: LoadLayeredEnvOptions,
  set: (name: string, entry: EnvEntry) => void,
): void {
  // The flag may come from <state>/.env (a daemon's env file), never from the workspace .env.
  const enabled =
    opts.shell?.enabled === true ||
    opts.config?.env?.shellEnv?.enabled === true ||
    loaded.values.OPENCLAW_LOAD_SHELL_ENV === '1'
  const expectedKeys = opts.shell?.expectedKeys ?? []
  if (!enabled || expectedKeys.length === 0) return
  const fromEnv = Number(loaded.values.OPENCLAW_SHELL_ENV_TIMEOUT_MS)
  const timeoutMs =
    Number.isInteger(fromEnv) && fromEnv > 0
      ? fromEnv
      : (opts.shell?.timeoutMs ?? opts.config?.env?.shellEnv?.timeoutMs ?? DEFAULT_SHELL_ENV_TIMEOUT_MS)
  const result = importShellEnv({ current: loaded.values, expectedKeys, timeoutMs, env: opts.processEnv })
  if (result.error !== undefined) loaded.shellError = result.error
  for (const [name, value] of Object.entries(result.applied)) {
    set(name, { value, source: 'shell' })
    loaded.shellApplied.push(name)
  }
}
