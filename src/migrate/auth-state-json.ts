/**
 * `<agentDir>/auth-state.json`: order, lastGood and usageStats only (not a credential source).
 * Runs after the credential sources so its state lands on the imported profiles.
 */
import path from 'node:path'
import type { AgentTarget } from './agent-target.ts'
import type { MigrationContext } from './context.ts'
import { migrateJsonSource } from './json-source.ts'
import { AUTH_STATE_FILE } from './legacy-files.ts'
import type { MigrationReport } from './types.ts'

export function migrateAuthStateJson(
  agent: AgentTarget,
  ctx: MigrationContext,
  agentDir = agent.agentDir,
): Promise<MigrationReport | undefined> {
  return migrateJsonSource(
    {
      migration: AUTH_STATE_FILE,
      file: path.join(agentDir, AUTH_STATE_FILE),
      kind: 'auth-state',
      agentId: agent.agentId,
      storePath: agent.storePath,
    },
    ctx,
  )
}
