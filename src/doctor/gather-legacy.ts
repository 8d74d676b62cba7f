/**
 * Legacy auth sources waiting for `doctor --fix`: per agent the retired JSON files (parsed
 * here so findings can list every entry that would be rejected), an OpenClaw store at our
 * store path, and a `~/.clawdbot` state dir. Reads only.
 */
import fs from 'node:fs'
import type { AgentTarget } from '../migrate/agent-target.ts'
import { clawdbotAgentIds, findClawdbotDir } from '../migrate/clawdbot-dir.ts'
import { legacyDotenvNames } from '../migrate/clawdbot-locate.ts'
import { findLegacyAuthFiles } from '../migrate/legacy-detect.ts'
import { parseLegacyText } from '../migrate/legacy-doc.ts'
import { isOpenclawStoreFile } from '../migrate/openclaw-store.ts'
import { readLegacyFile } from '../migrate/read-legacy-file.ts'
import { CredentialStore } from '../store/credential-store.ts'
import type { LegacyAgentCheck, LegacyCheck, LegacyFileCheck } from './types.ts'

export function gatherLegacy(stateDir: string, home: string, agents: readonly AgentTarget[]): LegacyCheck {
  const out: LegacyCheck = { agents: [] }
  for (const a of agents) {
    const foreignStore = isOpenclawStoreFile(a.storePath)
    const files: LegacyFileCheck[] = findLegacyAuthFiles({
      agentDir: a.agentDir,
      stateDir,
      isDefaultAgent: a.isDefault,
    }).map((f) => {
      if (f.kind === 'openclaw-store-pending') return { ...f, credentials: 0, rejected: [] }
      const read = readLegacyFile(f.path)
      if (!read.ok) return { ...f, credentials: 0, rejected: [], failure: read.detail }
      const parsed = parseLegacyText(read.text, f.kind)
      if (!parsed.ok) return { ...f, credentials: 0, rejected: [], failure: parsed.detail }
      return {
        ...f,
        credentials: parsed.parsed.credentials.length + parsed.parsed.awsSdk.length,
        rejected: parsed.parsed.rejected,
      }
    })
    const entry: LegacyAgentCheck = {
      agentId: a.agentId,
      storePath: a.storePath,
      storeProfiles: foreignStore ? 0 : countProfiles(a.storePath),
      foreignStore,
      files,
    }
    if (entry.foreignStore || entry.files.length) out.agents.push(entry)
  }
  const dir = findClawdbotDir(home, stateDir)
  const envNames = dir ? legacyDotenvNames(`${dir}/.env`) : undefined
  if (dir && (hasClawdbotAuth(dir) || envNames)) {
    out.clawdbot = {
      dir,
      agents: clawdbotAgentIds(dir),
      ...(envNames ? { envFile: { path: `${dir}/.env`, names: envNames } } : {}),
    }
  }
  return out
}

/** Only a dir that still holds something to import is worth a finding. */
function hasClawdbotAuth(dir: string): boolean {
  const names = ['auth-profiles.json', 'auth.json', 'auth-state.json', 'openclaw-agent.sqlite']
  if (fs.existsSync(`${dir}/credentials/oauth.json`)) return true
  return clawdbotAgentIds(dir).some((id) =>
    names.some((n) => fs.existsSync(`${dir}/agents/${id}/agent/${n}`)),
  )
}

export function countProfiles(storePath: string): number {
  if (!fs.existsSync(storePath)) return 0
  try {
    const store = CredentialStore.open(storePath, { readonly: true })
    try {
      return store.listProfiles().length
    } finally {
      store.close()
    }
  } catch {
    return 0
  }
}
