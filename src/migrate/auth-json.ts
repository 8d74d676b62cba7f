/** Per-agent `auth.json`: legacy static entries, usually the flat provider -> credential map. */
import path from 'node:path'
import type { AgentTarget } from './agent-target.ts'
import type { MigrationContext } from './context.ts'
import { migrateJsonSource } from './json-source.ts'
import { AUTH_JSON_FILE } from './legacy-files.ts'
import type { MigrationReport } from './types.ts'

export function migrateAuthJson(
  agent: AgentTarget,
  ctx: MigrationContext,
  agentDir = agent.agentDir,
): Promise<MigrationReport | undefined> {
  return migrateJsonSource(
    {
      migration: AUTH_JSON_FILE,
      file: path.join(agentDir, AUTH_JSON_FILE),
      kind: 'auth-json',
      agentId: agent.agentId,
      storePath: agent.storePath,
    },
    ctx,
  )
}
