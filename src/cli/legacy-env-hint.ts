/**
 * `models status` with no usable credential while `~/.clawdbot/.env` (seed 004) holds keys:
 * the runtime does not read the legacy file (DECISIONS section 2), so say where the keys are
 * and how to import them instead of a bare "no credentials". Names only, never values.
 */
import os from 'node:os'
import type { StatusReport } from '../auth/status-report.ts'
import { findClawdbotDir, legacyDotenvNames } from '../migrate/clawdbot-locate.ts'

export function legacyEnvHint(
  env: Readonly<Record<string, string | undefined>>,
  stateDir: string,
  report: StatusReport,
): string | undefined {
  if (report.auth.providers.some((p) => p.effective.kind !== 'none')) return undefined
  const home = env.OPENCLAW_HOME?.trim() || env.HOME?.trim() || os.homedir()
  const dir = findClawdbotDir(home, stateDir)
  const names = dir ? legacyDotenvNames(`${dir}/.env`) : undefined
  if (!dir || !names) return undefined
  return (
    `hint: no credentials found, but ${dir}/.env (the legacy state dir) sets ${names.join(', ')}; ` +
    `openclaw reads ${stateDir}/.env, not that file.\n  fix: openclaw doctor --fix --yes   # copies them into ${stateDir}/.env`
  )
}
