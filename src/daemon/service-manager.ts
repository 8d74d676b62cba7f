/**
 * Installs and drives the gateway service through the platform's user service manager:
 * `systemctl --user` (Linux) or `launchctl` (macOS), or with `--system` a systemd system unit
 * driven by plain `systemctl`. Where no manager is reachable (containers,
 * WSL without systemd, CI) `install` still writes the unit and says how to enable it, while
 * `status` and `restart` say so and fail: nothing pretends a service exists.
 */
import fs from 'node:fs'
import path from 'node:path'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { renderLaunchdPlist } from './launchd-plist.ts'
import { type CommandResult, firstLine, type Runner } from './run-command.ts'
import {
  LAUNCHD_LABEL,
  launchdPlistPath,
  type ServiceSpec,
  SYSTEMD_UNIT_NAME,
  systemdSystemUnitPath,
  systemdUnitPath,
} from './service-spec.ts'
import { renderSystemdUnit } from './systemd-unit.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface ServiceState {
  manager: 'systemd' | 'launchd'
  unitPath: string
  installed: boolean
  /** undefined when no service manager could be asked. */
  reachable: boolean
  unreachableReason?: string
  active?: boolean
  detail?: Record<string, string>
}

export interface ActionResult {
  ok: boolean
  unitPath: string
  message: string
  /** Commands the user can run themselves (no manager reachable here). */
  manual?: string[]
}

export interface ServiceManager {
  readonly manager: 'systemd' | 'launchd'
  readonly unitPath: string
  install(spec: ServiceSpec): ActionResult
  uninstall(): ActionResult
  status(): ServiceState
  restart(): ActionResult
}

export function createServiceManager(opts: {
  platform: NodeJS.Platform
  env: Env
  run: Runner
  uid?: number
  /** A systemd system unit (`--system`) instead of the user unit. */
  system?: boolean
}): ServiceManager {
  if (opts.platform === 'darwin') return launchd(opts)
  return opts.system ? systemd(opts, 'system') : systemd(opts, 'user')
}

/**
 * `systemctl --user` for the user unit, plain `systemctl` for the system unit (seed 000's
 * `systemctl restart openclaw-gateway`); same steps, different unit dir and wording.
 */
function systemd(opts: { env: Env; run: Runner }, scope: 'user' | 'system'): ServiceManager {
  const unitPath = scope === 'user' ? systemdUnitPath(opts.env) : systemdSystemUnitPath(opts.env)
  const otherPath = scope === 'user' ? systemdSystemUnitPath(opts.env) : undefined
  const ctl = scope === 'user' ? 'systemctl --user' : 'systemctl'
  const managerName = scope === 'user' ? 'systemd user manager' : 'systemd system manager'
  const sc = (...args: string[]) => opts.run('systemctl', scope === 'user' ? ['--user', ...args] : args)
  const probe = (): CommandResult => sc('show-environment')
  const enable = [
    `${ctl} daemon-reload`,
    `${ctl} enable --now ${SYSTEMD_UNIT_NAME}`,
    ...(scope === 'user' ? ['loginctl enable-linger "$USER"   # keep it running after logout'] : []),
  ]
  const sysFlag = scope === 'system' ? ' --system' : ''
  /** Without --system, a unit that only exists as a system unit gets pointed at. */
  const notInstalled = () =>
    otherPath && fs.existsSync(otherPath)
      ? `${SYSTEMD_UNIT_NAME} is installed as a system unit (${otherPath}); use: openclaw gateway restart --system (or: sudo systemctl restart openclaw-gateway)`
      : `${SYSTEMD_UNIT_NAME} is not installed; run: openclaw gateway install${sysFlag}`
  return {
    manager: 'systemd',
    unitPath,
    install(spec) {
      fs.mkdirSync(path.dirname(unitPath), { recursive: true })
      writeFileAtomic(unitPath, renderSystemdUnit(spec), { mode: 0o644 })
      const p = probe()
      if (!p.ok) {
        return {
          ok: true,
          unitPath,
          message: `Wrote ${unitPath}. No ${managerName} is reachable here (${firstLine(p)}), so the service was not enabled. On a host with systemd, enable it with:`,
          manual: enable,
        }
      }
      for (const args of [['daemon-reload'], ['enable', '--now', SYSTEMD_UNIT_NAME]]) {
        const r = sc(...args)
        if (!r.ok)
          return {
            ok: false,
            unitPath,
            message: `Wrote ${unitPath}, but \`${ctl} ${args.join(' ')}\` failed: ${firstLine(r)}`,
          }
      }
      const restartHint =
        scope === 'user'
          ? 'openclaw gateway restart'
          : `sudo systemctl restart openclaw-gateway (or: sudo openclaw gateway restart --system)`
      return {
        ok: true,
        unitPath,
        message: `Installed and started ${SYSTEMD_UNIT_NAME} (${unitPath})${spec.user ? ` as user ${spec.user}` : ''}. Keys go in ${spec.envFile}; after editing it run: ${restartHint}`,
      }
    },
    uninstall() {
      const existed = fs.existsSync(unitPath)
      const p = probe()
      if (p.ok && existed) sc('disable', '--now', SYSTEMD_UNIT_NAME)
      if (existed) fs.rmSync(unitPath)
      if (p.ok) sc('daemon-reload')
      const msg = existed
        ? `Removed ${unitPath}.`
        : otherPath && fs.existsSync(otherPath)
          ? `${SYSTEMD_UNIT_NAME} is installed as a system unit (${otherPath}); remove it with: sudo openclaw gateway uninstall --system`
          : `${SYSTEMD_UNIT_NAME} was not installed (${unitPath}).`
      return {
        ok: true,
        unitPath,
        message:
          p.ok || !existed
            ? msg
            : `${msg} No ${managerName} is reachable here (${firstLine(p)}); if it was running elsewhere, stop it there.`,
      }
    },
    status() {
      const installed = fs.existsSync(unitPath)
      const p = probe()
      if (!p.ok)
        return { manager: 'systemd', unitPath, installed, reachable: false, unreachableReason: firstLine(p) }
      const r = sc('show', SYSTEMD_UNIT_NAME, '-p', 'LoadState,ActiveState,SubState,MainPID,UnitFileState')
      const detail: Record<string, string> = {}
      for (const line of r.stdout.split('\n')) {
        const eq = line.indexOf('=')
        if (eq > 0) detail[line.slice(0, eq)] = line.slice(eq + 1).trim()
      }
      return {
        manager: 'systemd',
        unitPath,
        installed,
        reachable: true,
        active: detail.ActiveState === 'active',
        detail,
      }
    },
    restart() {
      const p = probe()
      if (!p.ok)
        return {
          ok: false,
          unitPath,
          message: `Cannot restart: no ${managerName} is reachable here (${firstLine(p)}). If the gateway runs in a terminal, stop it and start \`openclaw gateway\` again.`,
        }
      if (!fs.existsSync(unitPath)) return { ok: false, unitPath, message: notInstalled() }
      const r = sc('restart', SYSTEMD_UNIT_NAME)
      return r.ok
        ? { ok: true, unitPath, message: `Restarted ${SYSTEMD_UNIT_NAME}.` }
        : {
            ok: false,
            unitPath,
            message: `\`${ctl} restart ${SYSTEMD_UNIT_NAME}\` failed: ${firstLine(r)}`,
          }
    },
  }
}

function launchd(opts: { env: Env; run: Runner; uid?: number }): ServiceManager {
  const unitPath = launchdPlistPath(opts.env)
  const domain = `gui/${opts.uid ?? process.getuid?.() ?? 501}`
  const lc = (...args: string[]) => opts.run('launchctl', args)
  const probe = (): CommandResult => lc('print', domain)
  return {
    manager: 'launchd',
    unitPath,
    install(spec) {
      fs.mkdirSync(path.dirname(unitPath), { recursive: true })
      fs.mkdirSync(spec.logDir, { recursive: true, mode: 0o700 })
      writeFileAtomic(unitPath, renderLaunchdPlist(spec), { mode: 0o644 })
      const p = probe()
      if (!p.ok)
        return {
          ok: true,
          unitPath,
          message: `Wrote ${unitPath}. launchd is not reachable here (${firstLine(p)}); load it with:`,
          manual: [`launchctl bootstrap ${domain} ${unitPath}`],
        }
      lc('bootout', `${domain}/${LAUNCHD_LABEL}`) // a previous version may be loaded; absence is fine
      const r = lc('bootstrap', domain, unitPath)
      return r.ok
        ? { ok: true, unitPath, message: `Installed and started ${LAUNCHD_LABEL} (${unitPath}).` }
        : {
            ok: false,
            unitPath,
            message: `Wrote ${unitPath}, but \`launchctl bootstrap\` failed: ${firstLine(r)}`,
          }
    },
    uninstall() {
      const existed = fs.existsSync(unitPath)
      if (probe().ok) lc('bootout', `${domain}/${LAUNCHD_LABEL}`)
      if (existed) fs.rmSync(unitPath)
      return {
        ok: true,
        unitPath,
        message: existed ? `Removed ${unitPath}.` : `${LAUNCHD_LABEL} was not installed (${unitPath}).`,
      }
    },
    status() {
      const installed = fs.existsSync(unitPath)
      const p = probe()
      if (!p.ok)
        return { manager: 'launchd', unitPath, installed, reachable: false, unreachableReason: firstLine(p) }
      const r = lc('print', `${domain}/${LAUNCHD_LABEL}`)
      const state = /^\s*state = (\S+)/m.exec(r.stdout)?.[1]
      const pid = /^\s*pid = (\d+)/m.exec(r.stdout)?.[1]
      return {
        manager: 'launchd',
        unitPath,
        installed,
        reachable: true,
        active: state === 'running',
        detail: { ...(state ? { state } : {}), ...(pid ? { pid } : {}) },
      }
    },
    restart() {
      if (!probe().ok)
        return { ok: false, unitPath, message: 'Cannot restart: launchd is not reachable here.' }
      const r = lc('kickstart', '-k', `${domain}/${LAUNCHD_LABEL}`)
      return r.ok
        ? { ok: true, unitPath, message: `Restarted ${LAUNCHD_LABEL}.` }
        : { ok: false, unitPath, message: `\`launchctl kickstart\` failed: ${firstLine(r)}` }
    },
  }
}
