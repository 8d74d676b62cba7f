/**
 * Findings about credentials: model auth health per agent (expiry, missing, unresolved refs,
 * cooldowns and disables with the command that clears them), the fail-closed migration guard,
 * legacy files and stores waiting for import, and leftover openai-codex ids. Pure.
 */

import { formatRemaining } from '../auth/health.ts'
import { NO_CREDENTIALS } from '../auth/status-report.ts'
import { MIGRATION_COMMAND } from '../migrate/legacy-detect.ts'
import { describeRejected } from './describe-rejected.ts'
import type { DoctorState, Finding, LegacyFileCheck } from './types.ts'

const FIX_ALL = { command: MIGRATION_COMMAND, automatic: true } as const

export function authFindings(s: DoctorState): Finding[] {
  const out: Finding[] = []
  for (const a of s.auth) {
    const agentFlag = a.isDefault ? '' : ` --agent ${a.agentId}`
    const who = a.isDefault ? '' : ` (agent ${a.agentId})`
    if (a.storeError) {
      const foreign = a.storeError.code === 'store_foreign'
      const corrupt = a.storeError.code === 'store_corrupt'
      out.push({
        id: `auth.store-unreadable:${a.agentId}`,
        area: 'auth',
        level: 'error',
        title: `Credential store of agent ${a.agentId} cannot be used (${a.storeError.code})`,
        detail: corrupt
          ? `${a.storeError.message}\nThe fix moves it aside to ${a.storePath}.corrupt-<timestamp> (nothing is deleted) so the agent can start a new store; doctor then lists what the old file still holds.`
          : a.storeError.message,
        ...(foreign
          ? { fix: FIX_ALL }
          : corrupt
            ? {
                fix: {
                  command: MIGRATION_COMMAND,
                  description: 'move the corrupt store aside',
                  automatic: true,
                },
              }
            : {}),
      })
    }
    for (const c of a.corruptAside) out.push(corruptAsideFinding(a, c))
    if (a.migrationRequired) {
      out.push({
        id: `auth.migration-required:${a.agentId}`,
        area: 'auth',
        level: 'error',
        title: `Agent ${a.agentId} fails closed until its legacy credentials are imported`,
        detail: `${a.migrationRequired.message}\nFiles: ${a.migrationRequired.files.join(', ')}`,
        fix: FIX_ALL,
      })
    }
    for (const p of a.problems) {
      // A fresh install is doctor's normal first sight: "nothing configured yet" is advice
      // there, while `models status --check` (a cron guard) fails on it.
      const fresh = p.code === NO_CREDENTIALS
      out.push({
        id: fresh
          ? `auth.no-credentials:${a.agentId}`
          : `auth.${p.profileId ? 'profile' : 'provider'}:${p.profileId ?? p.provider}${a.isDefault ? '' : `@${a.agentId}`}`,
        area: 'auth',
        level: fresh ? 'warning' : p.level,
        title: `${p.message}${who}`,
        detail: p.profileId ? `Provider ${p.provider}, profile ${p.profileId}.` : `Provider ${p.provider}.`,
        ...(p.fix ? { fix: { command: p.fix, automatic: false } } : {}),
      })
    }
    for (const u of a.unusable) {
      const scope = u.model === '*' ? 'all models' : `model ${u.model}`
      out.push({
        id: `auth.${u.kind}:${u.profileId}${a.isDefault ? '' : `@${a.agentId}`}`,
        area: 'auth',
        level: 'warning',
        title: `${u.profileId} is ${u.kind === 'disabled' ? 'disabled' : 'cooling down'} (${u.reason}, ${scope}), ${formatRemaining(u.remainingMs)} left${who}`,
        detail: u.recovery,
        fix: { command: `openclaw models auth clear-cooldown ${u.profileId}${agentFlag}`, automatic: false },
      })
    }
    for (const u of a.unusableKeys ?? []) {
      const scope = u.model === '*' ? 'all models' : `model ${u.model}`
      out.push({
        id: `auth.${u.kind}:${u.keyId}`,
        area: 'auth',
        level: 'warning',
        title: `${u.key} is ${u.kind === 'disabled' ? 'disabled' : 'cooling down'} (${u.reason}, ${scope}), ${formatRemaining(u.remainingMs)} left`,
        detail: u.recovery,
        fix: { command: `openclaw models auth clear-cooldown ${u.key}`, automatic: false },
      })
    }
    if (a.codexIds.length) {
      out.push({
        id: `auth.codex-ids:${a.agentId}`,
        area: 'auth',
        level: 'warning',
        title: `Legacy openai-codex profile ids in agent ${a.agentId}'s store`,
        detail: `${a.codexIds.join(', ')} will be renamed to canonical openai:* ids (collision-free).`,
        fix: FIX_ALL,
      })
    }
  }
  return out
}

/**
 * A moved-aside store stays a finding until the user deletes it: it may hold the only copy of
 * credentials (an OAuth refresh token cannot be re-created), and the write that moved it aside
 * told the user to run doctor.
 */
function corruptAsideFinding(
  a: DoctorState['auth'][number],
  c: DoctorState['auth'][number]['corruptAside'][number],
): Finding {
  const when = c.movedAt === undefined ? '' : ` on ${new Date(c.movedAt).toISOString()}`
  const q = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`
  const held =
    c.profiles === undefined
      ? 'Its profile list cannot be read any more.'
      : c.profiles.length
        ? `Still readable in it: ${c.profiles.map((p) => `${p.profileId} (${p.type})`).join(', ')}.`
        : 'It holds no readable profiles.'
  return {
    id: `auth.store-corrupt-aside:${c.path}`,
    area: 'auth',
    level: 'warning',
    title: `A corrupt credential store of agent ${a.agentId} was moved aside${when}: ${c.path}`,
    detail: [
      `It holds the credentials the agent had before (${c.bytes} bytes); the agent now uses ${a.storePath}. ${held}`,
      `Inspect it (read-only): sqlite3 -readonly ${q(c.path)} 'SELECT profile_id, provider, type FROM auth_profiles'`,
      `Salvage what SQLite can: sqlite3 ${q(c.path)} .recover > recovered.sql (it contains secrets: keep it private), then add the credentials you need again with openclaw models auth paste-api-key / paste-token / login${a.isDefault ? '' : ` --agent ${a.agentId}`}.`,
      `Once nothing in it is needed: rm -f ${q(c.path)} ${q(`${c.path}-wal`)} ${q(`${c.path}-shm`)}`,
    ].join('\n'),
    fix: {
      description: 'recover what you need from it, then delete it; doctor never deletes it',
      automatic: false,
    },
  }
}

export function legacyFindings(s: DoctorState): Finding[] {
  const out: Finding[] = []
  for (const a of s.legacy.agents) {
    if (a.foreignStore) {
      out.push({
        id: `legacy.openclaw-store:${a.agentId}`,
        area: 'legacy',
        level: 'error',
        title: `An OpenClaw store sits at ${a.storePath}`,
        detail:
          'It is imported into a new store of ours; the original is kept as <file>.migrated-<timestamp>.',
        fix: FIX_ALL,
      })
    }
    const guarded = s.auth.some((x) => x.agentId === a.agentId && x.migrationRequired)
    for (const f of a.files) {
      out.push({
        id: `legacy.file:${f.path}`,
        area: 'legacy',
        level: f.failure ? 'error' : guarded && f.credentialBearing ? 'error' : 'warning',
        title: `Legacy ${f.kind === 'openclaw-store-pending' ? 'store import was interrupted' : 'auth file'}: ${f.path}`,
        detail: legacyDetail(f, a.storeProfiles),
        ...(f.failure
          ? {
              fix: {
                description: 'fix or remove the file by hand; doctor never imports part of a broken file',
                automatic: false,
              },
            }
          : { fix: FIX_ALL }),
      })
    }
  }
  const c = s.legacy.clawdbot
  if (c) {
    out.push({
      id: 'legacy.clawdbot',
      area: 'legacy',
      level: 'warning',
      title: `Legacy state dir ${c.dir} (older product name) found`,
      detail: [
        `Agents: ${c.agents.join(', ') || '(none)'}. Its credentials can be imported into ${s.stateDir}; sources are archived, never deleted.`,
        ...(c.envFile
          ? [
              `${c.envFile.path} sets ${c.envFile.names.join(', ')}; openclaw does not read it. The import appends these to ${s.stateDir}/.env (0600) without overwriting entries already there.`,
            ]
          : []),
      ].join('\n'),
      fix: {
        command: 'openclaw doctor --fix --yes',
        description: 'import asks first; --yes accepts',
        automatic: false,
      },
    })
  }
  for (const o of s.staleOrders) {
    out.push({
      id: `legacy.stale-order:${o.provider}`,
      area: 'config',
      level: 'warning',
      title: `auth.order.${o.provider} lists only profiles that no longer exist`,
      detail: `Listed: ${o.ids.join(', ')}. Stored and usable: ${o.compatible.join(', ')}. The list blocks them all; it will be removed.`,
      fix: FIX_ALL,
    })
  }
  if (s.codexConfig.length) {
    out.push({
      id: 'legacy.codex-config',
      area: 'config',
      level: 'warning',
      title: 'Config still uses the legacy openai-codex provider id',
      detail: s.codexConfig.join('\n'),
      fix: FIX_ALL,
    })
  }
  return out
}

function legacyDetail(f: LegacyFileCheck, storeProfiles: number): string {
  if (f.failure) return `${f.failure}. Nothing is imported from it until it parses.`
  const parts = [
    f.kind === 'auth-state'
      ? 'Routing state only (order, last good, usage); not a credential source.'
      : `${f.credentials} credential(s) to import.`,
  ]
  if (f.rejected.length) parts.push(`Rejected entries: ${f.rejected.map(describeRejected).join(', ')}.`)
  if (storeProfiles > 0 && f.kind !== 'auth-state')
    parts.push('The store already has profiles: the runtime ignores this file.')
  return parts.join(' ')
}
