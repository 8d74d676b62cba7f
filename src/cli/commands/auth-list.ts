/**
 * `openclaw models auth list [--provider <id>] [--json] [--plain] [--agent <id>]`: saved profiles
 * of an agent (own and read-through), never secrets.
 */
import { activeWindows } from '../../auth/cooldown.ts'
import { healthRow } from '../../auth/credential-health.ts'
import { formatRemaining } from '../../auth/health.ts'
import { normalizeProviderId } from '../../auth/profile-id.ts'
import type { AuthView } from '../../auth/resolve.ts'
import { unavailableWindow } from '../../auth/status-report.ts'
import type { UnavailableWindow } from '../../auth/status-types.ts'
import { type StoredProfile, WHOLE_PROFILE } from '../../auth/types.ts'
import { EXIT } from '../../errors.ts'
import { MIGRATION_COMMAND, MIGRATION_REQUIRED_CODE } from '../../migrate/legacy-detect.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

export interface ListRow {
  id: string
  provider: string
  type: string
  credential: 'api-key' | 'api-key-ref' | 'token' | 'token-ref' | 'oauth' | 'missing'
  account: string | null
  status: string
  reason: string
  expiresAt: number | null
  owner: string
  /** Active cooldowns (per model, `*` = whole profile) and disables, with the recovery action. */
  unavailable: UnavailableWindow[]
  /** Set when the provider refused the refresh token: only a new login helps. */
  reauth?: { reason: string; command: string }
}

export async function run(ctx: CommandContext): Promise<number> {
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd, agentFlag: stringOpt(ctx.parsed, 'agent') })
  try {
    await runtime.activateSecrets()
    for (const line of runtime.diagnostics()) err(ctx, line)
    const view = runtime.view()
    const filter = stringOpt(ctx.parsed, 'provider')
    const provider = filter === undefined ? undefined : normalizeProviderId(filter)
    const now = ctx.clock()
    const rows = view.profiles
      .filter((p) => provider === undefined || normalizeProviderId(p.credential.provider) === provider)
      .map((p) => listRow(view, p, now))
    // Legacy files + empty store: the runtime fails closed, so "no profiles" must not read as
    // "nothing to do" (auth-spec 5.1).
    const migration = runtime.legacyMigrationRequired()
    if (migration) err(ctx, `error: ${migration.message}\n  fix: ${MIGRATION_COMMAND}`)
    if (boolOpt(ctx.parsed, 'json')) {
      printJson(ctx, {
        agentId: runtime.paths.agentId,
        agentDir: runtime.paths.agentDir,
        storePath: runtime.paths.storePath,
        profiles: rows,
        ...(migration
          ? {
              migrationRequired: {
                code: MIGRATION_REQUIRED_CODE,
                message: migration.message,
                files: migration.details?.files ?? [],
                fix: MIGRATION_COMMAND,
              },
            }
          : {}),
      })
    } else if (boolOpt(ctx.parsed, 'plain')) {
      for (const r of rows) out(ctx, r.id)
    } else if (rows.length === 0) {
      out(
        ctx,
        migration
          ? `No auth profiles found: legacy auth files wait for import (${MIGRATION_COMMAND}).`
          : 'No auth profiles found.',
      )
    } else {
      printTable(ctx, rows, view.agentId)
      printRecovery(ctx, rows)
    }
    return migration ? EXIT.failure : EXIT.ok
  } finally {
    runtime.close()
  }
}

export function listRow(view: AuthView, p: StoredProfile, now: number): ListRow {
  const c = p.credential
  // The same row `models status` builds: expiry, eligibility and the OAuth re-auth marker.
  const h = healthRow(view, p, now, true)
  let credential: ListRow['credential']
  if (h.reason === 'missing_credential') credential = 'missing'
  else if (c.type === 'api_key') credential = c.keyRef ? 'api-key-ref' : 'api-key'
  else if (c.type === 'token') credential = c.tokenRef ? 'token-ref' : 'token'
  else credential = 'oauth'
  const st = view.states.get(p.id)
  const windows = st ? activeWindows(st, now) : []
  const blocked = windows.find((w) => w.model === WHOLE_PROFILE)
  const reauth = h.refresh?.status === 'reauth_required' ? h.refresh : undefined
  let status: string
  if (h.status === 'missing' && (h.reason === 'missing_credential' || h.reason === 'unresolved_ref'))
    status = 'missing'
  else if (reauth) status = 'expired (re-auth required)'
  else if (blocked) status = `${blocked.kind} ${formatRemaining(blocked.remainingMs)} (${blocked.reason})`
  else if (h.status === 'expired') status = h.refreshable ? 'expired (refreshable)' : 'expired'
  else if (h.remainingMs !== undefined && h.remainingMs > 0)
    status = `expires in ${formatRemaining(h.remainingMs)}`
  else if (h.status === 'missing') status = 'missing'
  else status = 'ok'
  // A model-scoped cooldown leaves the profile usable for other models: say so next to it.
  const scoped = windows.filter((w) => w.model !== WHOLE_PROFILE)
  if (!blocked && scoped.length)
    status += `; ${scoped.map((w) => `cooldown ${formatRemaining(w.remainingMs)} for ${w.model} (${w.reason})`).join(', ')}`
  return {
    id: p.id,
    provider: normalizeProviderId(c.provider),
    type: c.type,
    credential,
    account: c.email ?? c.displayName ?? null,
    status,
    reason: h.reason,
    expiresAt: h.expiresAt ?? null,
    owner: view.owners.get(p.id) ?? view.agentId,
    unavailable: windows.map((w) => unavailableWindow(w, p.id)),
    ...(reauth ? { reauth: { reason: reauth.reason, command: reauth.command ?? '' } } : {}),
  }
}

/** Under the table: why each unavailable or re-auth-required profile is so, and what to run. */
function printRecovery(ctx: CommandContext, rows: ListRow[]): void {
  const lines: string[] = []
  for (const r of rows) {
    if (r.reauth) lines.push(`- ${r.id}: re-auth required (${r.reauth.reason}); run: ${r.reauth.command}`)
    for (const u of r.unavailable) {
      const scope = u.model === WHOLE_PROFILE ? 'all models' : `model ${u.model}`
      lines.push(
        `- ${r.id}: ${u.kind === 'disabled' ? 'disabled' : 'cooling down'} (${u.reason}, ${scope}), ${formatRemaining(u.remainingMs)} left; ${u.recovery}`,
      )
    }
  }
  if (lines.length === 0) return
  out(ctx, '')
  out(ctx, 'Needs attention:')
  for (const l of lines) out(ctx, l)
}

function printTable(ctx: CommandContext, rows: ListRow[], agentId: string): void {
  const head = ['Profile', 'Provider', 'Type', 'Credential', 'Account', 'Status']
  const cells = rows.map((r) => [
    r.id,
    r.provider,
    r.type,
    r.credential,
    r.account ?? '-',
    r.status +
      (r.reason !== 'ok' && r.reason !== 'expired' ? ` [${r.reason}]` : '') +
      (r.owner !== agentId ? ` (from ${r.owner})` : ''),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ')
  out(ctx, line(head))
  for (const c of cells) out(ctx, line(c))
}
