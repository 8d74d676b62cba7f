/**
 * Where things live (DECISIONS section 2, auth-spec 1.10). Pure string work: resolving a path
 * never creates, stats or chmods anything, so `models status` can run against a missing state dir.
 */
import os from 'node:os'
import path from 'node:path'
import { OpenclawError } from '../errors.ts'
import type { OpenclawConfig } from './types.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface AgentPaths {
  stateDir: string
  configPath: string
  agentId: string
  agentDir: string
  storePath: string
  envFilePath: string
  agentSource: 'flag' | 'env-agent-dir' | 'config-default' | 'builtin-default'
}

export const DEFAULT_AGENT_ID = 'main'
export const CONFIG_FILE_NAME = 'openclaw.json'
export const STORE_FILE_NAME = 'openclaw-agent.sqlite'

const AGENT_ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/
const AGENT_ID_RULE =
  "an agent id must match ^[a-z0-9][a-z0-9_-]{0,63}$ after lower-casing (letters, digits, '_' and '-'; at most 64 characters)"

/** Empty values count as unset: `OPENCLAW_STATE_DIR= openclaw ...` must not mean "the cwd". */
function envValue(env: Env, name: string): string | undefined {
  const v = env[name]
  return v === undefined || v.trim() === '' ? undefined : v.trim()
}

function homeDir(env: Env): string {
  const explicit = envValue(env, 'OPENCLAW_HOME')
  if (explicit !== undefined)
    return path.resolve(expandTilde(explicit, envValue(env, 'HOME') ?? os.homedir()))
  return envValue(env, 'HOME') ?? os.homedir()
}

function expandTilde(p: string, home: string): string {
  if (p === '~') return home
  if (p.startsWith('~/')) return path.join(home, p.slice(2))
  return p
}

function resolveUserPath(p: string, env: Env): string {
  return path.resolve(expandTilde(p, homeDir(env)))
}

export function resolveStateDir(env: Env): string {
  const explicit = envValue(env, 'OPENCLAW_STATE_DIR')
  if (explicit !== undefined) return resolveUserPath(explicit, env)
  return path.join(homeDir(env), '.openclaw')
}

export function resolveConfigPath(env: Env, stateDir: string): string {
  const explicit = envValue(env, 'OPENCLAW_CONFIG_PATH')
  if (explicit !== undefined) return resolveUserPath(explicit, env)
  return path.join(stateDir, CONFIG_FILE_NAME)
}

/** The rule `id` breaks, or undefined; the lower-cased form is what gets validated. */
export function agentIdViolation(id: unknown): string | undefined {
  // ASCII first: lower-casing U+212A KELVIN SIGN yields a plain 'k' and would pass the regex.
  if (typeof id !== 'string' || !/^[\x21-\x7e]*$/.test(id)) return AGENT_ID_RULE
  return AGENT_ID_RE.test(id.toLowerCase()) ? undefined : AGENT_ID_RULE
}

export function isValidAgentId(id: unknown): boolean {
  return agentIdViolation(id) === undefined
}

/** Agent ids are case-insensitive; the lower-cased form is used for every path. */
export function normalizeAgentId(id: string): string {
  const rule = agentIdViolation(id)
  if (rule !== undefined) {
    const shown = showId(String(id))
    throw new OpenclawError('invalid_agent_id', `Invalid agent id "${shown}": ${rule}.`, {
      details: { agentId: shown },
    })
  }
  return id.toLowerCase()
}

/** JSON-escaped and truncated so a hostile id can neither drive the terminal nor flood it. */
function showId(id: string): string {
  const escaped = JSON.stringify(id)
    .slice(1, -1)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return escaped.length > 80 ? `${escaped.slice(0, 77)}...` : escaped
}

export function agentDirFor(stateDir: string, agentId: string): string {
  // Validated here too: this is the one place an id becomes a path segment.
  return path.join(stateDir, 'agents', normalizeAgentId(agentId), 'agent')
}

export function storePathFor(agentDir: string): string {
  return path.join(agentDir, STORE_FILE_NAME)
}

export function resolveDefaultAgentId(config: OpenclawConfig): string {
  const entry = config.agents?.list?.find((a) => a.default === true)
  return entry ? normalizeAgentId(entry.id) : DEFAULT_AGENT_ID
}

export function resolveAgentPaths(opts: {
  env: Env
  config: OpenclawConfig
  agentFlag?: string | undefined
  stateDir?: string | undefined
  configPath?: string | undefined
}): AgentPaths {
  const stateDir = opts.stateDir ?? resolveStateDir(opts.env)
  const configPath = opts.configPath ?? resolveConfigPath(opts.env, stateDir)
  const base = { stateDir, configPath, envFilePath: path.join(stateDir, '.env') }

  if (opts.agentFlag !== undefined) {
    const agentId = normalizeAgentId(opts.agentFlag)
    const agentDir = agentDirFor(stateDir, agentId)
    return { ...base, agentId, agentDir, storePath: storePathFor(agentDir), agentSource: 'flag' }
  }

  const defaultId = resolveDefaultAgentId(opts.config)
  const envDir = envValue(opts.env, 'OPENCLAW_AGENT_DIR')
  if (envDir !== undefined) {
    const agentDir = resolveUserPath(envDir, opts.env)
    return {
      ...base,
      agentId: defaultId,
      agentDir,
      storePath: storePathFor(agentDir),
      agentSource: 'env-agent-dir',
    }
  }

  const agentDir = agentDirFor(stateDir, defaultId)
  const fromConfig = opts.config.agents?.list?.some((a) => a.default === true) === true
  return {
    ...base,
    agentId: defaultId,
    agentDir,
    storePath: storePathFor(agentDir),
    agentSource: fromConfig ? 'config-default' : 'builtin-default',
  }
}
