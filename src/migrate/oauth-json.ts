/**
 * `<state>/credentials/oauth.json`: the oldest OAuth token file, provider -> tokens. It was
 * shared by the whole install, so it is imported only into the default agent (auth-spec 1.10).
 */
import type { AgentTarget } from './agent-target.ts'
import type { MigrationContext } from './context.ts'
import { migrateJsonSource } from './json-source.ts'
import { oauthJsonPath } from './legacy-files.ts'
import type { MigrationReport } from './types.ts'

export function migrateOauthJson(
  agent: AgentTarget,
  ctx: MigrationContext,
  stateDir = ctx.stateDir,
): Promise<MigrationReport | undefined> {
  if (!agent.isDefault) return Promise.resolve(undefined)
  return migrateJsonSource(
    {
      migration: 'credentials/oauth.json',
      file: oauthJsonPath(stateDir),
      kind: 'oauth-json',
      agentId: agent.agentId,
      storePath: agent.storePath,
    },
    ctx,
  )
}
