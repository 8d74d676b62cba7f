/**
 * Config validity as a finding, never a crash: a broken openclaw.json is reported with its
 * message while every check that does not need it still runs.
 */
import { type LoadedConfig, loadConfig } from '../config/load.ts'
import { loadLayeredEnv } from '../env/load-env.ts'
import { OpenclawError } from '../errors.ts'
import type { ConfigCheck } from './types.ts'

type Env = Readonly<Record<string, string | undefined>>

export function gatherConfig(
  configPath: string,
  stateDir: string,
  env: Env,
  cwd: string,
): { check: ConfigCheck; loaded?: LoadedConfig } {
  const fileEnv = loadLayeredEnv({ processEnv: env, cwd, stateDir })
  try {
    const loaded = loadConfig(configPath, fileEnv.values)
    return { check: { status: loaded.exists ? 'ok' : 'missing', warnings: loaded.warnings }, loaded }
  } catch (err) {
    if (!OpenclawError.isInstance(err)) throw err
    const status = err.code === 'config_unreadable' ? 'unreadable' : 'invalid'
    return { check: { status, message: err.message, warnings: [] } }
  }
}
