/**
 * The agents a migration run looks at: every agent dir under `<state>/agents`, the configured
 * ones, and the default agent (which alone owns `<state>/credentials/oauth.json`).
 */
import fs from 'node:fs'
import path from 'node:path'
import { agentDirFor, isValidAgentId, storePathFor } from '../config/paths.ts'

export interface AgentTarget {
  agentId: string
  agentDir: string
  storePath: string
  isDefault: boolean
}

export function agentTarget(stateDir: string, agentId: string, defaultAgentId: string): AgentTarget {
  const agentDir = agentDirFor(stateDir, agentId)
  return { agentId, agentDir, storePath: storePathFor(agentDir), isDefault: agentId === defaultAgentId }
}

export function discoverAgents(
  stateDir: string,
  defaultAgentId: string,
  configured: readonly string[] = [],
): AgentTarget[] {
  const ids = new Set<string>([defaultAgentId, ...configured.map((c) => c.toLowerCase())])
  try {
    for (const name of fs.readdirSync(path.join(stateDir, 'agents'))) {
      if (isValidAgentId(name) && name === name.toLowerCase()) ids.add(name)
    }
  } catch {
    // No agents dir yet.
  }
  return [...ids]
    .filter(isValidAgentId)
    .sort()
    .map((id) => agentTarget(stateDir, id, defaultAgentId))
}
