/**
 * What the gateway service runs, independent of the service manager: absolute node and bin
 * paths (a service has no login PATH), the state dir, and `<state>/.env`, which holds the keys
 * a daemon cannot inherit from a shell (seed "method A").
 */
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const SYSTEMD_UNIT_NAME = 'openclaw-gateway.service'
export const LAUNCHD_LABEL = 'ai.openclaw.gateway'

export interface ServiceSpec {
  nodePath: string
  binPath: string
  /** Arguments after the bin path. */
  args: string[]
  stateDir: string
  envFile: string
  /** Extra environment for the service (only OPENCLAW_* location overrides). */
  environment: Record<string, string>
  logDir: string
  /** System units only: the account the service runs as (User=). */
  user?: string
}

type Env = Readonly<Record<string, string | undefined>>

/** bin/openclaw.js of this installation: dist/daemon/x.js and src/daemon/x.ts are two levels down. */
export function defaultBinPath(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'openclaw.js')
}

export function buildServiceSpec(opts: {
  stateDir: string
  env: Env
  port?: number
  nodePath?: string
  binPath?: string
}): ServiceSpec {
  const environment: Record<string, string> = { OPENCLAW_STATE_DIR: opts.stateDir }
  if (opts.env.OPENCLAW_CONFIG_PATH)
    environment.OPENCLAW_CONFIG_PATH = path.resolve(opts.env.OPENCLAW_CONFIG_PATH)
  return {
    nodePath: opts.nodePath ?? process.execPath,
    binPath: opts.binPath ?? defaultBinPath(),
    args: ['gateway', ...(opts.port ? ['--port', String(opts.port)] : [])],
    stateDir: opts.stateDir,
    envFile: path.join(opts.stateDir, '.env'),
    environment,
    logDir: path.join(opts.stateDir, 'logs'),
  }
}

/** Where system units go; OPENCLAW_SYSTEMD_SYSTEM_DIR exists for tests and packaging. */
export function systemdSystemUnitPath(env: Env): string {
  return path.join(env.OPENCLAW_SYSTEMD_SYSTEM_DIR || '/etc/systemd/system', SYSTEMD_UNIT_NAME)
}

export function systemdUnitPath(env: Env): string {
  const home = env.HOME ?? os.homedir()
  const base = env.XDG_CONFIG_HOME ? path.resolve(env.XDG_CONFIG_HOME) : path.join(home, '.config')
  return path.join(base, 'systemd', 'user', SYSTEMD_UNIT_NAME)
}

export function launchdPlistPath(env: Env): string {
  return path.join(env.HOME ?? os.homedir(), 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`)
}
