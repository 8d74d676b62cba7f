/**
 * Gathers what `secrets audit` and `secrets reload` look at: every agent store on disk (plus the
 * current agent's, which OPENCLAW_AGENT_DIR may place elsewhere), and the `.env` files the env
 * loader reads. Stores are opened read-only and closed at once; nothing is created.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { StoredProfile } from '../auth/types.ts'
import { STORE_FILE_NAME } from '../config/paths.ts'
import { parseDotenv } from '../env/dotenv.ts'
import { OpenclawError } from '../errors.ts'
import type { AgentRuntime } from '../runtime/agent-runtime.ts'
import { CredentialStore } from '../store/credential-store.ts'

export interface AgentStoreInput {
  agentId: string
  storePath: string
  profiles: StoredProfile[]
  /** Set when the store could not be read (corrupt, foreign, newer schema...). */
  error?: string
}

export interface DotenvInput {
  file: string
  names: string[]
  /** Names whose value is non-empty (values themselves are never kept). */
  nonEmpty: Set<string>
}

export function readAgentStores(runtime: AgentRuntime): AgentStoreInput[] {
  const found = new Map<string, string>()
  found.set(runtime.paths.storePath, runtime.paths.agentId)
  const agentsDir = path.join(runtime.paths.stateDir, 'agents')
  let entries: string[] = []
  try {
    entries = fs.readdirSync(agentsDir)
  } catch {
    // No agents directory yet: nothing stored.
  }
  for (const id of entries.sort()) {
    const file = path.join(agentsDir, id, 'agent', STORE_FILE_NAME)
    if (!found.has(file) && fs.existsSync(file)) found.set(file, id)
  }
  const out: AgentStoreInput[] = []
  for (const [storePath, agentId] of found) {
    if (!fs.existsSync(storePath)) continue
    let store: CredentialStore | undefined
    try {
      store = CredentialStore.open(storePath, { readonly: true })
      out.push({ agentId, storePath, profiles: store.listProfiles() })
    } catch (err) {
      const why = OpenclawError.isInstance(err) ? err.code : 'unreadable'
      out.push({ agentId, storePath, profiles: [], error: why })
    } finally {
      store?.close()
    }
  }
  return out
}

export function readDotenvFiles(files: readonly string[]): DotenvInput[] {
  const out: DotenvInput[] = []
  for (const file of new Set(files.map((f) => path.resolve(f)))) {
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      continue
    }
    const parsed = parseDotenv(text)
    const names = Object.keys(parsed)
    out.push({ file, names, nonEmpty: new Set(names.filter((n) => (parsed[n] ?? '').trim() !== '')) })
  }
  return out
}
