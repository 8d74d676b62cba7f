/**
 * `openclaw secrets reload [--json]`: resolves every SecretRef now (all agent stores and
 * openclaw.json) and reports each ok or failed. Telling a running gateway to swap its snapshot
 * is a later issue; the output says so instead of pretending. Exit 1 when any ref failed.
 */
import { EXIT } from '../../errors.ts'
import { DEFAULT_PORT, parsePort } from '../../gateway/bind-policy.ts'
import { getStatus, localGatewayTls } from '../../gateway/tls/local-client.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { readAgentStores } from '../../secrets/audit-inputs.ts'
import { configRefs, describeUse, profileRefs, type RefEntry } from '../../secrets/collect-refs.ts'
import { formatRef } from '../../secrets/ref.ts'
import { resolveSecretRefs } from '../../secrets/resolver.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt } from '../parse-args.ts'

const PROBE_TIMEOUT_MS = 1000

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
    const gateway = await gatewayNote(runtime)
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
    return rows.some((r) => !r.ok) ? EXIT.failure : EXIT.ok
  } finally {
    runtime.close()
  }
}

/** Honest about what happened to a running gateway: this build cannot tell it anything yet. */
async function gatewayNote(
  runtime: AgentRuntime,
): Promise<{ url: string; reachable: boolean; notified: false; note: string }> {
  let port = DEFAULT_PORT
  try {
    port =
      parsePort(runtime.env.values.OPENCLAW_GATEWAY_PORT, 'OPENCLAW_GATEWAY_PORT') ??
      parsePort(runtime.config.gateway?.port, 'gateway.port') ??
      DEFAULT_PORT
  } catch {
    // A bad port setting is the gateway command's error to report; probe the default.
  }
  const t = localGatewayTls(runtime.config)
  const url = `${t.scheme}://127.0.0.1:${port}`
  const health = await getStatus(`${url}/health`, PROBE_TIMEOUT_MS, t.options)
  const reachable = 'status' in health && health.status === 200
  const note = reachable
    ? `A gateway answers at ${url}, but this build cannot tell a running gateway to reload secrets yet (planned); restart it to use the new values.`
    : `No gateway is reachable at ${url}; nothing was notified (a gateway resolves refs when it starts).`
  return { url, reachable, notified: false, note }
}
