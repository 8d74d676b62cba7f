/**
 * The migration guard for the gateway (auth-spec 5.1): the gateway keeps starting, but an agent
 * whose credentials still sit in legacy files (its own, or the default agent's it reads through
 * to) is degraded: its requests fail with AUTH_PROFILE_MIGRATION_REQUIRED (HTTP 503, hint
 * `openclaw doctor --fix`) instead of silently using env keys. Call it at each credential
 * boundary (before resolving a request's credentials); it only touches the disk when a store
 * is empty, because older processes or restores can recreate the files at any time.
 */
import { agentDirFor } from '../config/paths.ts'
import type { OpenclawError } from '../errors.ts'
import { checkMigrationGuard } from './legacy-detect.ts'

export interface AgentGuardInput {
  stateDir: string
  agentId: string
  /** The agent's own dir (differs from the default layout with OPENCLAW_AGENT_DIR). */
  agentDir: string
  defaultAgentId: string
  /** Profiles in the agent's OWN store (0 when the file does not exist). */
  ownProfileCount: number
  /** Profiles in the default agent's store, when this agent reads through to it. */
  parentProfileCount?: number
}

export function agentMigrationGuard(input: AgentGuardInput): OpenclawError | undefined {
  const isDefault = input.agentId === input.defaultAgentId
  const own = checkMigrationGuard(input.agentId, input.ownProfileCount, {
    agentDir: input.agentDir,
    stateDir: input.stateDir,
    isDefaultAgent: isDefault,
  })
  if (own || isDefault || input.parentProfileCount === undefined) return own
  return checkMigrationGuard(input.defaultAgentId, input.parentProfileCount, {
    agentDir: agentDirFor(input.stateDir, input.defaultAgentId),
    stateDir: input.stateDir,
    isDefaultAgent: true,
  })
}
