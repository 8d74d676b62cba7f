/**
 * `doctor --fix` migrations, in dependency order. Per agent: the OpenClaw store first (our
 * store cannot open while it sits at the path), then the credential files, then
 * auth-state.json (its state lands on the imported profiles), then codex ids in the store.
 * Then the optional ~/.clawdbot import, models.json providers into openclaw.json, and last the
 * config-side repairs that depend on what is now stored (codex refs, stale orders). One failing step never stops the others.
 */
import fs from 'node:fs'
import type { StoredProfile } from '../auth/types.ts'
import { readRawConfig } from '../config/load.ts'
import { CredentialStore } from '../store/credential-store.ts'
import type { AgentTarget } from './agent-target.ts'
import { migrateAuthJson } from './auth-json.ts'
import { migrateAuthProfilesJson } from './auth-profiles-json.ts'
import { migrateAuthStateJson } from './auth-state-json.ts'
import { migrateClawdbotDir } from './clawdbot-dir.ts'
import { codexConfigEdit } from './codex-config.ts'
import { migrateCodexStore } from './codex-store.ts'
import { applyConfigEdit, type MigrationContext } from './context.ts'
import { migrateModelsJson } from './models-json.ts'
import { migrateOauthJson } from './oauth-json.ts'
import { migrateOpenclawStore } from './openclaw-store.ts'
import { findStaleOrders, staleOrderEdit } from './stale-order.ts'
import { emptyReport, type MigrationReport } from './types.ts'

export interface RunMigrationsOptions {
  agents: readonly AgentTarget[]
  defaultAgentId: string
  /** Import this legacy ~/.clawdbot dir too (only when the user agreed). */
  clawdbotDir?: string
  /** False when openclaw.json does not load: config-side repairs are skipped, not attempted. */
  configUsable?: boolean
}

export async function runMigrations(
  ctx: MigrationContext,
  opts: RunMigrationsOptions,
): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = []
  const push = (r: MigrationReport | undefined) => {
    if (r) reports.push(r)
  }
  const guarded = async (
    name: string,
    agentId: string | undefined,
    fn: () => Promise<MigrationReport | undefined> | MigrationReport | undefined,
  ) => {
    try {
      push(await fn())
    } catch (err) {
      push(
        emptyReport(name, {
          ...(agentId ? { agentId } : {}),
          status: 'failed',
          error: (err as Error).message,
        }),
      )
    }
  }
  for (const agent of opts.agents) {
    await guarded('openclaw-store', agent.agentId, () => migrateOpenclawStore(agent, ctx))
    await guarded('auth-profiles.json', agent.agentId, () => migrateAuthProfilesJson(agent, ctx))
    await guarded('auth.json', agent.agentId, () => migrateAuthJson(agent, ctx))
    await guarded('credentials/oauth.json', agent.agentId, () => migrateOauthJson(agent, ctx))
    await guarded('auth-state.json', agent.agentId, () => migrateAuthStateJson(agent, ctx))
    await guarded('codex-ids', agent.agentId, () => migrateCodexStore(agent))
  }
  if (opts.clawdbotDir) {
    const dir = opts.clawdbotDir
    await guarded('clawdbot', undefined, async () => {
      reports.push(...(await migrateClawdbotDir(dir, opts.defaultAgentId, ctx)))
      return undefined
    })
  }
  if (opts.configUsable === false) return reports
  await guarded('models.json', undefined, () => {
    reports.push(...migrateModelsJson(ctx, opts.agents))
    return undefined
  })
  const renames = new Map<string, string>()
  for (const r of reports) for (const x of r.renamed) renames.set(x.from, x.to)
  await guarded('codex-config', undefined, () => {
    const changes = applyConfigEdit(ctx, codexConfigEdit(renames))
    return changes.length
      ? emptyReport('codex-config', { source: ctx.configPath, status: 'imported', configChanges: changes })
      : undefined
  })
  await guarded('stale-order', undefined, () => {
    const stale = findStaleOrders(readRawConfig(ctx.configPath).raw, storedProfiles(opts.agents), ctx.now)
    if (stale.length === 0) return undefined
    const changes = applyConfigEdit(ctx, staleOrderEdit(stale))
    return changes.length
      ? emptyReport('stale-order', { source: ctx.configPath, status: 'imported', configChanges: changes })
      : undefined
  })
  return reports
}

/** Every profile in every agent store that opens (unreadable stores count as empty here). */
export function storedProfiles(agents: readonly AgentTarget[]): StoredProfile[] {
  const out: StoredProfile[] = []
  for (const a of agents) {
    if (!fs.existsSync(a.storePath)) continue
    try {
      const store = CredentialStore.open(a.storePath, { readonly: true })
      try {
        out.push(...store.listProfiles())
      } finally {
        store.close()
      }
    } catch {
      // Reported by doctor's store check.
    }
  }
  return out
}
