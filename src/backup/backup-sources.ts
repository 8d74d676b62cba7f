/**
 * Which stores `openclaw backup` copies: one agent (`--agent`), or every agent (the default):
 * agent dirs under `<state>/agents`, the agents in config and the default agent, whose dir
 * OPENCLAW_AGENT_DIR may move. A config that does not load does not stop a backup (backups
 * matter most when something is broken): then only the agent dirs on disk are used, and the
 * config file is still copied as it is.
 */
import path from 'node:path'
import { readRawConfig } from '../config/load.ts'
import {
  resolveAgentPaths,
  resolveConfigPath,
  resolveDefaultAgentId,
  resolveStateDir,
} from '../config/paths.ts'
import type { OpenclawConfig } from '../config/types.ts'
import { discoverAgents } from '../migrate/agent-target.ts'
import type { BackupFile, BackupSource } from './run-backup.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface BackupSources {
  stateDir: string
  sources: BackupSource[]
  /** openclaw.json and <state>/.env: plain files that may hold secrets and the profile order. */
  files: BackupFile[]
  /** Why the config was not used, when it was not. */
  configWarning?: string
}

export function backupSources(env: Env, agentFlag: string | undefined): BackupSources {
  const stateDir = resolveStateDir(env)
  const configPath = resolveConfigPath(env, stateDir)
  let config: OpenclawConfig = {}
  let configWarning: string | undefined
  try {
    config = readRawConfig(configPath).raw as OpenclawConfig
    resolveDefaultAgentId(config)
  } catch (err) {
    config = {}
    configWarning = `config ${configPath} not used (${(err as Error).message}); backing up the agent dirs found under ${stateDir}`
  }
  const paths = resolveAgentPaths({ env, config, agentFlag, stateDir, configPath })
  // Copied to where a state dir keeps them, so the backup still opens as OPENCLAW_STATE_DIR.
  const files: BackupFile[] = [
    { name: 'openclaw.json', source: configPath },
    { name: '.env', source: path.join(stateDir, '.env') },
  ]
  if (agentFlag !== undefined) {
    return {
      stateDir,
      sources: [{ agentId: paths.agentId, storePath: paths.storePath }],
      files,
      ...warn(configWarning),
    }
  }
  const ids = (config.agents?.list ?? [])
    .map((a) => a.id)
    .filter((id): id is string => typeof id === 'string')
  const sources = discoverAgents(stateDir, paths.agentId, ids).map((a) => ({
    agentId: a.agentId,
    storePath: a.agentId === paths.agentId ? paths.storePath : a.storePath,
  }))
  return { stateDir, sources, files, ...warn(configWarning) }
}

function warn(w: string | undefined): { configWarning?: string } {
  return w === undefined ? {} : { configWarning: w }
}
