/**
 * `openclaw models auth list [--provider <id>] [--json] [--plain] [--agent <id>]`: saved profiles
 * of an agent (own and read-through), never secrets.
 */
import { unusableFor } from '../../auth/cooldown.ts'
import { evaluateEligibility } from '../../auth/eligibility.ts'
import { formatRemaining, profileHealth } from '../../auth/health.ts'
import { normalizeProviderId } from '../../auth/profile-id.ts'
import type { AuthView } from '../../auth/resolve.ts'
import type { StoredProfile } from '../../auth/types.ts'
import { EXIT } from '../../errors.ts'
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
    if (boolOpt(ctx.parsed, 'json')) {
      printJson(ctx, {
        agentId: runtime.paths.agentId,
        agentDir: runtime.paths.agentDir,
        storePath: runtime.paths.storePath,
        profiles: rows,
      })
    } else if (boolOpt(ctx.parsed, 'plain')) {
      for (const r of rows) out(ctx, r.id)
    } else if (rows.length === 0) {
      out(ctx, 'No auth profiles found.')
    } else {
      printTable(ctx, rows, view.agentId)
    }
    return EXIT.ok
  } finally {
    runtime.close()
  }
}

export function listRow(view: AuthView, p: StoredProfile, now: number): ListRow {
  const c = p.credential
  const elig = evaluateEligibility(p, {
    now,
    configMode: view.config.auth?.profiles?.[p.id]?.mode,
    refState: view.refState,
  })
  const h = profileHealth(p, now)
  let credential: ListRow['credential']
  if (elig.reason === 'missing_credential') credential = 'missing'
  else if (c.type === 'api_key') credential = c.keyRef ? 'api-key-ref' : 'api-key'
  else if (c.type === 'token') credential = c.tokenRef ? 'token-ref' : 'token'
  else credential = 'oauth'
  const st = view.states.get(p.id)
  const blocked = st ? unusableFor(st, undefined, now) : undefined
  let status: string
  if (elig.reason === 'missing_credential' || elig.reason === 'unresolved_ref') status = 'missing'
  else if (blocked)
    status = `${blocked.scope === 'disabled' ? 'disabled' : 'cooldown'} ${formatRemaining(blocked.until - now)}`
  else if (h.status === 'expired') status = h.refreshable ? 'expired (refreshable)' : 'expired'
  else if (h.remainingMs !== undefined && h.remainingMs > 0)
    status = `expires in ${formatRemaining(h.remainingMs)}`
  else if (h.status === 'missing') status = 'missing'
  else status = 'ok'
  return {
    id: p.id,
    provider: normalizeProviderId(c.provider),
    type: c.type,
    credential,
    account: c.email ?? c.displayName ?? null,
    status,
    reason: elig.reason,
    expiresAt: h.expiresAt ?? null,
    owner: view.owners.get(p.id) ?? view.agentId,
  }
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
