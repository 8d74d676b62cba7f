/**
 * What the gateway reads from disk to run: the config and the layered environment (process,
 * state-dir .env, config env, optionally the login shell's), and the stamp of the two files
 * whose change triggers a reload. GatewayState calls these at start and on every reload.
 */
import fs from 'node:fs'
import path from 'node:path'
import { loadConfig } from '../config/load.ts'
import { resolveDefaultAgentId } from '../config/paths.ts'
import { envKeyVarNames } from '../env/env-keys.ts'
import { loadLayeredEnv } from '../env/load-env.ts'
import type { ViewContext } from './agent-state.ts'

export type Logger = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void

export interface ContextSource {
  processEnv: Readonly<Record<string, string | undefined>>
  cwd: string
  stateDir: string
  configPath: string
}

/** Throws (a clear OpenclawError) when the config is broken; warnings go to `log`. */
export function loadGatewayContext(
  src: ContextSource,
  log: Logger,
): { ctx: ViewContext; defaultAgent: string } {
  const base = { processEnv: src.processEnv, cwd: src.cwd, stateDir: src.stateDir }
  const fileEnv = loadLayeredEnv(base)
  const loaded = loadConfig(src.configPath, fileEnv.values)
  for (const w of loaded.warnings) log('warn', `config: ${w}`)
  const providers = new Set([
    'anthropic',
    'openai',
    'openrouter',
    'google',
    ...Object.keys(loaded.config.models?.providers ?? {}),
  ])
  const shell = loaded.config.env?.shellEnv
  const env = loadLayeredEnv({
    ...base,
    config: loaded.config,
    shell: {
      enabled: shell?.enabled === true,
      timeoutMs: shell?.timeoutMs ?? 15_000,
      expectedKeys: [...providers].flatMap((p) => envKeyVarNames(p, {})),
    },
  })
  for (const i of env.ignored) log('warn', `ignored ${i.name} from ${i.file}: ${i.reason}`)
  return {
    ctx: { config: loaded.config, env: env.values },
    defaultAgent: resolveDefaultAgentId(loaded.config),
  }
}

/** mtime and size of openclaw.json and <state>/.env: a different stamp means reload. */
export function stampContextFiles(src: Pick<ContextSource, 'stateDir' | 'configPath'>): string {
  return [src.configPath, path.join(src.stateDir, '.env')]
    .map((f) => {
      try {
        const st = fs.statSync(f)
        return `${st.mtimeMs}:${st.size}`
      } catch {
        return '-'
      }
    })
    .join('|')
}
