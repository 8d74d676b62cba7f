/**
 * `openclaw secrets reload [--json]`: resolves every SecretRef now (all agent stores and
 * openclaw.json) and reports each ok or failed, then tells a running gateway to re-resolve its
 * own snapshot (so a rotated file or vault value takes effect without a restart) and says
 * whether it did. Exit 1 when any ref failed or a running gateway could not be told.
 */
import { EXIT } from '../../errors.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { readAgentStores } from '../../secrets/audit-inputs.ts'
import { configRefs, describeUse, profileRefs, type RefEntry } from '../../secrets/collect-refs.ts'
import { formatRef } from '../../secrets/ref.ts'
import { resolveSecretRefs } from '../../secrets/resolver.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { callGateway, gatewayTarget } from '../gateway-client.ts'
import { boolOpt } from '../parse-args.ts'

/** Re-resolving may run exec providers (5 s timeout each); give the gateway that long and more. */
const RELOAD_TIMEOUT_MS = 15_000

export async function run(ctx: CommandContext): Promise<number> {
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd })
  try {
    for (const line of runtime.diagnostics()) err(ctx, line)
    const entries: RefEntry[] = []
    for (const s of readAgentStores(runtime)) entries.push(...profileRefs(s.profiles, s.agentId))
    entries.push(...configRefs(runtime.config, { gateway: true }))
    const snapshot = await resolveSecretRefs(
      entries.map((e) => e.ref),
      { config: runtime.config, env: runtime.env.values },
    )
    const rows = entries.map((e) => {
      const failed = snapshot.error(e.ref)
      return {
        ref: formatRef(e.ref),
        usedBy: describeUse(e.use),
        ok: failed === undefined,
        ...(failed ? { code: failed.code, message: failed.message } : {}),
      }
    })
    // A gateway.auth token/password kept in a ref authenticates us with the value just resolved.
    const authRef = entries.find(
      (e) =>
        e.use.kind === 'config' &&
        (e.use.path === 'gateway.auth.token' || e.use.path === 'gateway.auth.password'),
    )
    const resolvedAuth = authRef ? snapshot.result(authRef.ref) : undefined
    const gateway = await notifyGateway(
      runtime,
      runtime.env.values,
      resolvedAuth?.ok ? resolvedAuth.value : undefined,
    )
    if (boolOpt(ctx.parsed, 'json')) {
      printJson(ctx, { refs: rows, gateway })
    } else {
      if (rows.length === 0) out(ctx, 'No SecretRefs are configured.')
      for (const r of rows) {
        out(ctx, r.ok ? `ok      ${r.ref}  ${r.usedBy}` : `failed  ${r.ref}  ${r.usedBy}: ${r.message}`)
      }
      const failed = rows.filter((r) => !r.ok).length
      if (rows.length > 0) out(ctx, `${rows.length} ref(s): ${rows.length - failed} ok, ${failed} failed`)
      err(ctx, gateway.note)
    }
    const gatewayFailed = gateway.reachable && !gateway.notified
    return rows.some((r) => !r.ok) || gatewayFailed ? EXIT.failure : EXIT.ok
  } finally {
    runtime.close()
  }
}

export interface GatewayReloadNote {
  url: string
  reachable: boolean
  /** True when the running gateway accepted `models.reload` and re-resolved its refs. */
  notified: boolean
  /** What the gateway's own re-resolution found (counts only, never values or ids). */
  refs?: { total: number; failed: number }
  note: string
}

/**
 * Tells a running gateway to re-read its config and re-resolve every SecretRef (`models.reload`
 * on the /ws control plane), and says what happened. No gateway running is a normal answer.
 */
async function notifyGateway(
  runtime: AgentRuntime,
  env: CommandContext['env'],
  refSecret: string | undefined,
): Promise<GatewayReloadNote> {
  const fromConfig = gatewayTarget(runtime.config, env)
  const target = { ...fromConfig, secret: fromConfig.secret ?? refSecret }
  const call = await callGateway(target, 'models.reload', {}, RELOAD_TIMEOUT_MS)
  // Reported like doctor reports the gateway: its http(s) origin, not the /ws endpoint.
  const url = target.url.replace(/^ws/, 'http').replace(/\/ws$/, '')
  if (!call.reached) {
    return {
      url,
      reachable: false,
      notified: false,
      note: `No gateway is running at ${url} (${call.reason}); nothing to notify (a gateway resolves refs when it starts).`,
    }
  }
  if (!call.ok) {
    return {
      url,
      reachable: true,
      notified: false,
      note: `The gateway at ${url} refused the reload (${call.code}: ${call.message}); it still uses the values it resolved before. Set OPENCLAW_GATEWAY_TOKEN (or gateway.auth.token) so the CLI can reach it, or restart it.`,
    }
  }
  const p = (call.payload ?? {}) as { reloaded?: boolean; refs?: { total: number; failed: number } }
  if (p.reloaded !== true) {
    return {
      url,
      reachable: true,
      notified: false,
      note: `The gateway at ${url} could not reload its config and keeps the previous one; its log says why.`,
    }
  }
  const refs = p.refs ?? { total: 0, failed: 0 }
  return {
    url,
    reachable: true,
    notified: true,
    refs,
    note: `Told the running gateway at ${url}: it re-resolved ${refs.total} ref(s)${refs.failed ? `, ${refs.failed} failed` : ''} and uses the new values from now on.`,
  }
}
