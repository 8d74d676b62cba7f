/**
 * `openclaw gateway install|uninstall|status|restart [--system]`: the gateway as a service that
 * loads `<state>/.env`. By default a systemd user unit (`systemctl --user`, launchd on macOS);
 * with `--system` a system unit in /etc/systemd/system that runs as the invoking user, which
 * is what `systemctl restart openclaw-gateway` (seed 000) drives. `restart` is what to run after
 * editing keys. Without a reachable service manager, install writes the unit and prints how to
 * enable it; status and restart fail with a plain explanation.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { resolveStateDir } from '../../config/paths.ts'
import { makeRunner } from '../../daemon/run-command.ts'
import { createServiceManager } from '../../daemon/service-manager.ts'
import { buildServiceSpec, systemdSystemUnitPath } from '../../daemon/service-spec.ts'
import { homeOf, requireRoot, systemServiceUser } from '../../daemon/system-unit-user.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { type CommandContext, err, out, printJson } from '../context.ts'
import { boolOpt, stringOpt } from '../parse-args.ts'

export async function run(ctx: CommandContext): Promise<number> {
  const action = ctx.parsed.command.path.at(-1)
  const json = boolOpt(ctx.parsed, 'json')
  const system = boolOpt(ctx.parsed, 'system')
  // OPENCLAW_SERVICE_PLATFORM exists for tests and for writing a plist from Linux.
  const platform = (ctx.env.OPENCLAW_SERVICE_PLATFORM as NodeJS.Platform | undefined) ?? process.platform
  if (system && platform === 'darwin')
    throw new OpenclawError(
      'usage',
      '--system is for systemd (Linux); on macOS the gateway is a launchd agent.',
    )
  const runner = makeRunner(ctx.env)
  const mgr = createServiceManager({ platform, env: ctx.env, run: runner, system })
  const root = {
    euid: process.geteuid?.(),
    currentUser: currentUser(ctx.env),
    unitDir: path.dirname(systemdSystemUnitPath(ctx.env)),
  }
  if (action === 'install') {
    const portFlag = stringOpt(ctx.parsed, 'port')
    const port = portFlag === undefined ? undefined : Number(portFlag)
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new OpenclawError(
        'usage',
        `--port must be a port number (1-65535); got "${portFlag!.slice(0, 20)}".`,
      )
    }
    const runAs = stringOpt(ctx.parsed, 'run-as')
    if (runAs !== undefined && !system)
      throw new OpenclawError('usage', '--run-as only applies with --system.')
    let stateDir = resolveStateDir(ctx.env)
    let user: string | undefined
    if (system) {
      user = systemServiceUser({ ...root, sudoUser: ctx.env.SUDO_USER, runAs })
      // Under sudo HOME is often root's: the state dir is the service user's own.
      if (!ctx.env.OPENCLAW_STATE_DIR) {
        const home = user === root.currentUser ? (ctx.env.HOME ?? os.homedir()) : homeOf(user, runner)
        stateDir = resolveStateDir({ ...ctx.env, HOME: home })
      }
    }
    const spec = buildServiceSpec({ stateDir, env: ctx.env, ...(port ? { port } : {}) })
    const r = mgr.install(user ? { ...spec, user } : spec)
    return report(ctx, json, r.ok, { action, ...r }, [r.message, ...(r.manual ?? []).map((c) => `  ${c}`)])
  }
  if (action === 'uninstall') {
    if (system) requireRoot('uninstall', root)
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
  if (!s.installed && !system && s.manager === 'systemd' && fs.existsSync(systemdSystemUnitPath(ctx.env)))
    err(
      ctx,
      `hint: it is installed as a system unit (${systemdSystemUnitPath(ctx.env)}); use: openclaw gateway status --system`,
    )
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

function currentUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return os.userInfo().username
  } catch {
    return env.USER ?? env.LOGNAME ?? 'unknown'
  }
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
