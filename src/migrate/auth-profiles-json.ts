/**
 * `<agentDir>/auth-profiles.json` (every historical shape, embedded order/lastGood/usageStats
 * included; the flat `{ "<provider>": { apiKey } }` form is archived as `.legacy-flat.<ts>.bak`).
 */
import path from 'node:path'
import type { AgentTarget } from './agent-target.ts'
import type { MigrationContext } from './context.ts'
import { migrateJsonSource } from './json-source.ts'
import { AUTH_PROFILES_FILE } from './legacy-files.ts'
import type { MigrationReport } from './types.ts'

export function migrateAuthProfilesJson(
  agent: AgentTarget,
  ctx: MigrationContext,
  agentDir = agent.agentDir,
): Promise<MigrationReport | undefined> {
  return migrateJsonSource(
    {
      migration: AUTH_PROFILES_FILE,
      file: path.join(agentDir, AUTH_PROFILES_FILE),
      kind: 'auth-profiles',
      agentId: agent.agentId,
      storePath: agent.storePath,
    },
    ctx,
  )
}
