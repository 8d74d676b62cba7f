/**
 * `openclaw gateway install|uninstall|status|restart` as a user service. This container has no
 * systemd user manager, so the real behaviour there is tested (and a fake `systemctl` on PATH
 * checks the calls made where one exists).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BIN, makeTempHome, ROOT, type TempHome } from './support/cli.ts'

const FAKE = path.join(ROOT, 'test', 'fixtures', 'fake-systemctl')

function withFake(h: TempHome, mode: string) {
  const log = path.join(h.home, 'systemctl.log')
  return {
    log,
    env: { PATH: `${FAKE}:${h.env.PATH}`, FAKE_SYSTEMCTL_MODE: mode, FAKE_SYSTEMCTL_LOG: log },
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []),
  }
}

const unitPath = (h: TempHome) => path.join(h.home, '.config', 'systemd', 'user', 'openclaw-gateway.service')

describe('gateway service without a reachable service manager', () => {
  it('install writes the unit and says how to enable it; status and restart fail plainly', async () => {
    const h = makeTempHome()
    const f = withFake(h, 'nobus')
    const install = await h.run(['gateway', 'install'], { env: f.env })
    expect(install.code, install.stderr).toBe(0)
    const unit = fs.readFileSync(unitPath(h), 'utf8')
    expect(unit).toContain(`ExecStart=${process.execPath} ${BIN} gateway\n`)
    expect(unit).toContain(`EnvironmentFile=-${h.stateDir}/.env\n`)
    expect(unit).toContain(`Environment="OPENCLAW_STATE_DIR=${h.stateDir}"`)
    expect(install.stdout).toContain(
      'No systemd user manager is reachable here (Failed to connect to bus: No medium found)',
    )
    expect(install.stdout).toContain('systemctl --user enable --now openclaw-gateway.service')

    const status = await h.run(['gateway', 'status'], { env: f.env })
    expect(status.code).toBe(1)
    expect(status.stdout).toContain(`openclaw-gateway.service: installed`)
    expect(status.stderr).toContain('no service manager is reachable here')

    const restart = await h.run(['gateway', 'restart'], { env: f.env })
    expect(restart.code).toBe(1)
    expect(restart.stderr).toContain('Cannot restart: no systemd user manager is reachable here')

    const uninstall = await h.run(['gateway', 'uninstall'], { env: f.env })
    expect(uninstall.code).toBe(0)
    expect(fs.existsSync(unitPath(h))).toBe(false)
  })

  it('no systemctl on PATH at all: same honesty', async () => {
    const h = makeTempHome()
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-nopath-'))
    const install = await h.run(['gateway', 'install', '--port', '19001'], { env: { PATH: empty } })
    expect(install.code, install.stderr).toBe(0)
    expect(install.stdout).toContain('(systemctl not found on PATH)')
    expect(fs.readFileSync(unitPath(h), 'utf8')).toContain(' gateway --port 19001\n')
    const status = await h.run(['gateway', 'status', '--json'], { env: { PATH: empty } })
    expect(status.code).toBe(1)
    expect(JSON.parse(status.stdout)).toMatchObject({ manager: 'systemd', installed: true, reachable: false })
  })
})

describe('gateway service with systemctl --user (fake on PATH)', () => {
  it('install enables and starts it; status, restart and uninstall call systemctl --user', async () => {
    const h = makeTempHome()
    const f = withFake(h, 'ok')
    const install = await h.run(['gateway', 'install'], { env: f.env })
    expect(install.code, install.stderr).toBe(0)
    expect(install.stdout).toContain('Installed and started openclaw-gateway.service')
    const status = await h.run(['gateway', 'status'], { env: f.env })
    expect(status.code).toBe(0)
    expect(status.stdout).toContain(
      'State: running (LoadState=loaded, ActiveState=active, SubState=running, MainPID=4242',
    )
    expect((await h.run(['gateway', 'restart'], { env: f.env })).code).toBe(0)
    expect((await h.run(['gateway', 'uninstall'], { env: f.env })).code).toBe(0)
    expect(fs.existsSync(unitPath(h))).toBe(false)
    expect(f.calls()).toEqual([
      '--user show-environment',
      '--user daemon-reload',
      '--user enable --now openclaw-gateway.service',
      '--user show-environment',
      '--user show openclaw-gateway.service -p LoadState,ActiveState,SubState,MainPID,UnitFileState',
      '--user show-environment',
      '--user restart openclaw-gateway.service',
      '--user show-environment',
      '--user disable --now openclaw-gateway.service',
      '--user daemon-reload',
    ])
  })

  it('a stopped service is reported as not running (exit 1); a failed restart says why', async () => {
    const h = makeTempHome()
    expect((await h.run(['gateway', 'install'], { env: withFake(h, 'ok').env })).code).toBe(0)
    const status = await h.run(['gateway', 'status'], { env: withFake(h, 'inactive').env })
    expect(status.code).toBe(1)
    expect(status.stdout).toContain('State: not running')
    const restart = await h.run(['gateway', 'restart'], { env: withFake(h, 'failrestart').env })
    expect(restart.code).toBe(1)
    expect(restart.stderr).toContain('Job for openclaw-gateway.service failed.')
  })
})

describe('gateway service as a systemd system unit (seed 000: systemctl restart openclaw-gateway)', () => {
  /** The unit dir is injected: tests never touch the real /etc/systemd/system. */
  const systemEnv = (h: TempHome, mode: string) => {
    const f = withFake(h, mode)
    const unitDir = path.join(h.home, 'etc-systemd-system')
    return { ...f, unitDir, env: { ...f.env, OPENCLAW_SYSTEMD_SYSTEM_DIR: unitDir, SUDO_USER: 'alice' } }
  }

  it('install --system writes a unit with User= the sudo user, driven by plain systemctl; restart/status/uninstall --system', async () => {
    const h = makeTempHome()
    const f = systemEnv(h, 'ok')
    const unit = path.join(f.unitDir, 'openclaw-gateway.service')
    const install = await h.run(['gateway', 'install', '--system', '--port', '19002'], { env: f.env })
    expect(install.code, install.stderr).toBe(0)
    expect(install.stdout).toContain(
      `Installed and started openclaw-gateway.service (${unit}) as user alice.`,
    )
    expect(install.stdout).toContain('sudo systemctl restart openclaw-gateway')
    const text = fs.readFileSync(unit, 'utf8')
    expect(text).toContain('\nUser=alice\n')
    expect(text).toContain('\nWantedBy=multi-user.target\n')
    expect(text).toContain(`Environment="OPENCLAW_STATE_DIR=${h.stateDir}"`)
    expect(text).toContain(`EnvironmentFile=-${h.stateDir}/.env\n`)
    expect(text).toContain(`ExecStart=${process.execPath} ${BIN} gateway --port 19002\n`)
    expect(fs.statSync(unit).mode & 0o777).toBe(0o644)
    // The user unit is untouched, and a plain `gateway restart` points at --system.
    expect(fs.existsSync(unitPath(h))).toBe(false)
    const userRestart = await h.run(['gateway', 'restart'], { env: f.env })
    expect(userRestart.code).toBe(1)
    expect(userRestart.stderr).toContain(
      `installed as a system unit (${unit}); use: openclaw gateway restart --system`,
    )
    const status = await h.run(['gateway', 'status', '--system'], { env: f.env })
    expect(status.code).toBe(0)
    expect(status.stdout).toContain(`Service: systemd (${unit}: installed)`)
    expect((await h.run(['gateway', 'restart', '--system'], { env: f.env })).code).toBe(0)
    expect((await h.run(['gateway', 'uninstall', '--system'], { env: f.env })).code).toBe(0)
    expect(fs.existsSync(unit)).toBe(false)
    expect(f.calls()).toEqual([
      'show-environment',
      'daemon-reload',
      'enable --now openclaw-gateway.service',
      '--user show-environment',
      'show-environment',
      'show openclaw-gateway.service -p LoadState,ActiveState,SubState,MainPID,UnitFileState',
      'show-environment',
      'restart openclaw-gateway.service',
      'show-environment',
      'disable --now openclaw-gateway.service',
      'daemon-reload',
    ])
  })

  it('no system manager reachable: the unit is written and the enable commands printed', async () => {
    const h = makeTempHome()
    const f = systemEnv(h, 'nobus')
    const install = await h.run(['gateway', 'install', '--system', '--run-as', 'bob'], { env: f.env })
    expect(install.code, install.stderr).toBe(0)
    expect(install.stdout).toContain('No systemd system manager is reachable here')
    expect(install.stdout).toContain('  systemctl enable --now openclaw-gateway.service')
    expect(install.stdout).not.toContain('loginctl')
    expect(fs.readFileSync(path.join(f.unitDir, 'openclaw-gateway.service'), 'utf8')).toContain(
      '\nUser=bob\n',
    )
  })

  it('refuses plainly: as root without sudo or --run-as, --run-as without --system, and --system without root', async () => {
    const h = makeTempHome()
    const f = systemEnv(h, 'ok')
    const { SUDO_USER: _, ...noSudo } = f.env
    if (process.getuid?.() === 0) {
      const asRoot = await h.run(['gateway', 'install', '--system'], { env: noSudo })
      expect(asRoot.code).toBe(1)
      expect(asRoot.stderr).toContain('Refusing to install a gateway that runs as root.')
      expect(asRoot.stderr).toContain('--run-as <user>')
      expect(asRoot.stderr).not.toMatch(/\n\s+at /)
    }
    const stray = await h.run(['gateway', 'install', '--run-as', 'bob'], { env: f.env })
    expect(stray.code).toBe(64)
    expect(stray.stderr).toContain('--run-as only applies with --system.')
    expect(fs.existsSync(f.unitDir)).toBe(false)

    // A real unprivileged process (this suite may run as root: drop to nobody for it).
    const unprivileged = await runUnprivileged(['gateway', 'install', '--system'], { ...f.env, HOME: h.home })
    expect(unprivileged.code).toBe(1)
    expect(unprivileged.stderr).toContain(`Installing a system unit changes ${f.unitDir} and needs root`)
    expect(unprivileged.stderr).toContain('sudo "$(command -v openclaw)" gateway install --system')
    expect(unprivileged.stderr).not.toMatch(/\n\s+at /)
    expect(fs.existsSync(f.unitDir)).toBe(false)
  })
})

function runUnprivileged(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      cwd: os.tmpdir(),
      stdio: 'pipe',
      ...asNobody,
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stderr }))
  })
}
