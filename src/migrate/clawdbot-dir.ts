/**
 * A state dir of the product's older name, `~/.clawdbot` (same layout). Offered for import into
 * the current state dir: per agent the same sources as the current layout (OpenClaw store,
 * auth-profiles.json, auth.json, auth-state.json) and `credentials/oauth.json` for the default
 * agent, and its `.env` into `<state>/.env` (clawdbot-env.ts). Each source is archived in place
 * after a verified import, so a rerun does nothing.
 */
import fs from 'node:fs'
import path from 'node:path'
import { isValidAgentId, STORE_FILE_NAME } from '../config/paths.ts'
import { agentTarget } from './agent-target.ts'
import { migrateAuthJson } from './auth-json.ts'
import { migrateAuthProfilesJson } from './auth-profiles-json.ts'
import { migrateAuthStateJson } from './auth-state-json.ts'
import { migrateClawdbotEnv } from './clawdbot-env.ts'
import type { MigrationContext } from './context.ts'
import { migrateOauthJson } from './oauth-json.ts'
import { migrateForeignStoreFile } from './openclaw-store.ts'
import type { MigrationReport } from './types.ts'

export { CLAWDBOT_DIR_NAME, findClawdbotDir } from './clawdbot-locate.ts'

export function clawdbotAgentIds(dir: string): string[] {
  try {
    return fs
      .readdirSync(path.join(dir, 'agents'))
      .filter((n) => isValidAgentId(n) && n === n.toLowerCase())
      .sort()
  } catch {
    return []
  }
}

export async function migrateClawdbotDir(
  dir: string,
  defaultAgentId: string,
  ctx: MigrationContext,
): Promise<MigrationReport[]> {
  const reports: Array<MigrationReport | undefined> = []
  const ids = new Set(clawdbotAgentIds(dir))
  if (fs.existsSync(path.join(dir, 'credentials', 'oauth.json'))) ids.add(defaultAgentId)
  for (const id of [...ids].sort()) {
    const agent = agentTarget(ctx.stateDir, id, defaultAgentId)
    const legacyAgentDir = path.join(dir, 'agents', id, 'agent')
    const tag = (r: MigrationReport | undefined) => (r ? { ...r, migration: `clawdbot:${r.migration}` } : r)
    reports.push(
      tag(
        await migrateForeignStoreFile(
          path.join(legacyAgentDir, STORE_FILE_NAME),
          agent,
          ctx,
          'openclaw-store',
        ),
      ),
    )
    reports.push(tag(await migrateAuthProfilesJson(agent, ctx, legacyAgentDir)))
    reports.push(tag(await migrateAuthJson(agent, ctx, legacyAgentDir)))
    reports.push(tag(await migrateOauthJson(agent, ctx, dir)))
    reports.push(tag(await migrateAuthStateJson(agent, ctx, legacyAgentDir)))
  }
  reports.push(await migrateClawdbotEnv(dir, ctx))
  return reports.filter((r): r is MigrationReport => r !== undefined)
}
