/**
 * Renames `openai-codex:*` rows already in one of our stores to canonical `openai:*` ids
 * (collision-free), carrying their routing state and order positions, in one transaction.
 */
import fs from 'node:fs'
import { CredentialStore } from '../store/credential-store.ts'
import type { AgentTarget } from './agent-target.ts'
import {
  assignTargetIds,
  CODEX_PROVIDER,
  canonicalCredential,
  isCodexId,
  sameCredential,
} from './codex-ids.ts'
import { emptyReport, type MigrationReport } from './types.ts'

export function migrateCodexStore(agent: AgentTarget): MigrationReport | undefined {
  if (!fs.existsSync(agent.storePath) || !hasCodexRows(agent.storePath)) return undefined
  const report = emptyReport('codex-ids', { agentId: agent.agentId, source: agent.storePath })
  const store = CredentialStore.open(agent.storePath)
  try {
    store.batch(() => {
      const snap = store.snapshot()
      const existing = new Map(snap.profiles.map((p) => [p.id, p]))
      const codex = snap.profiles.filter((p) => isCodexId(p.id) || p.credential.provider === CODEX_PROVIDER)
      const targets = assignTargetIds(
        codex.map((p) => ({ id: p.id, credential: p.credential })),
        existing,
      )
      const overrides = Object.entries(snap.orderOverrides)
      for (const p of codex) {
        const to = targets.get(p.id)
        if (to === undefined) {
          report.rejected.push({ id: p.id, reason: 'invalid_id' })
          continue
        }
        const cred = canonicalCredential(p.credential)
        const ex = existing.get(to)
        if (to === p.id || !ex || !sameCredential(ex.credential, cred)) store.upsertProfile(to, cred)
        if (to === p.id) continue
        const st = snap.states.get(p.id)
        if (st) {
          store.updateState(to, () => ({
            ...st,
            profileId: to,
            cooldowns: st.cooldowns.map((c) => ({ ...c, profileId: to })),
          }))
        }
        for (const [provider, ids] of overrides) {
          if (ids.includes(p.id))
            store.setOrderOverride(
              provider,
              ids.map((x) => (x === p.id ? to : x)),
            )
        }
        store.deleteProfile(p.id)
        report.renamed.push({ from: p.id, to })
      }
      const codexOrder = store.getOrderOverride(CODEX_PROVIDER)
      if (codexOrder !== undefined) {
        if (store.getOrderOverride('openai') === undefined) {
          store.setOrderOverride(
            'openai',
            codexOrder.map((id) => report.renamed.find((r) => r.from === id)?.to ?? id),
          )
          report.orderSet.push('openai')
        }
        store.clearOrderOverride(CODEX_PROVIDER)
      }
    })
    report.status = 'imported'
    return report
  } catch (err) {
    return { ...report, status: 'failed', error: (err as Error).message }
  } finally {
    store.close()
  }
}

function hasCodexRows(storePath: string): boolean {
  try {
    const store = CredentialStore.open(storePath, { readonly: true })
    try {
      const snap = store.snapshot()
      return (
        snap.profiles.some((p) => isCodexId(p.id) || p.credential.provider === CODEX_PROVIDER) ||
        snap.orderOverrides[CODEX_PROVIDER] !== undefined
      )
    } finally {
      store.close()
    }
  } catch {
    // Unreadable stores are reported by doctor's store check, not here.
    return false
  }
}
