/**
 * `openclaw gateway install|uninstall|status|restart`: the gateway as a user service
 * (systemd user unit `openclaw-gateway.service`, launchd agent on macOS) that loads
 * `<state>/.env`. `restart` is what to run after editing keys there. Without a reachable
 * service manager, install writes the unit and prints how to enable it; status and restart
 * fail with a plain explanation.
 */
import { resolveStateDir } from '../../config/paths.ts'
import { makeRunner } from '../../daemon/run-command.ts'
import { createServiceManager } from '../../daemon/service-manager.ts'
import { buildServiceSpec } from '../../daemon/service-spec.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const action = ctx.parsed.command.path.at(-1)
  const json = boolOpt(ctx.parsed, 'json')
  // OPENCLAW_SERVICE_PLATFORM exists for tests and for writing a plist from Linux.
  const platform = (ctx.env.OPENCLAW_SERVICE_PLATFORM as NodeJS.Platform | undefined) ?? process.platform
  const mgr = createServiceManager({ platform, env: ctx.env, run: makeRunner(ctx.env) })
  const stateDir = resolveStateDir(ctx.env)
  if (action === 'install') {
    const portFlag = stringOpt(ctx.parsed, 'port')
    const port = portFlag === undefined ? undefined : Number(portFlag)
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new OpenclawError(
        'usage',
        `--port must be a port number (1-65535); got "${portFlag!.slice(0, 20)}".`,
      )
    }
    const r = mgr.install(buildServiceSpec({ stateDir, env: ctx.env, ...(port ? { port } : {}) }))
    return report(ctx, json, r.ok, { action, ...r }, [r.message, ...(r.manual ?? []).map((c) => `  ${c}`)])
  }
  if (action === 'uninstall') {
    const r = mgr.uninstall()
    return report(ctx, json, r.ok, { action, ...r }, [r.message])
  }
  if (action === 'restart') {
    const r = mgr.restart()
    return report(ctx, json, r.ok, { action, ...r }, [r.message])
  }
  const s = mgr.status()
  if (json) {
    printJson(ctx, s)
    return s.reachable && s.active ? EXIT.ok : EXIT.failure
  }
  out(ctx, `Service: ${s.manager} (${s.unitPath}: ${s.installed ? 'installed' : 'not installed'})`)
  if (!s.reachable) {
    err(
      ctx,
      `Error: no service manager is reachable here (${s.unreachableReason}); cannot tell whether the gateway service is running.`,
    )
    err(
      ctx,
      'A gateway started in a terminal (`openclaw gateway`) is not managed by a service; check it with: curl http://127.0.0.1:18789/health',
    )
    return EXIT.failure
  }
  const d = s.detail ?? {}
  const parts = Object.entries(d).map(([k, v]) => `${k}=${v}`)
  out(ctx, `State: ${s.active ? 'running' : 'not running'}${parts.length ? ` (${parts.join(', ')})` : ''}`)
  return s.active ? EXIT.ok : EXIT.failure
}

function report(
  ctx: CommandContext,
  json: boolean,
  ok: boolean,
  data: Record<string, unknown>,
  lines: string[],
): number {
  if (json) printJson(ctx, data)
  else for (const l of lines) (ok ? out : err)(ctx, ok ? l : `Error: ${l}`)
  return ok ? EXIT.ok : EXIT.failure
}
