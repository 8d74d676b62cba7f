/**
 * `openclaw gateway install|uninstall|status|restart` as a user service. This container has no
 * systemd user manager, so the real behaviour there is tested (and a fake `systemctl` on PATH
 * checks the calls made where one exists).
 */
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
