/** Unit and plist rendering (escaping) and the launchd manager against a scripted runner. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { renderLaunchdPlist } from './launchd-plist.ts'
import type { CommandResult } from './run-command.ts'
import { createServiceManager } from './service-manager.ts'
import { buildServiceSpec } from './service-spec.ts'
import { execWord, renderSystemdUnit } from './systemd-unit.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('systemd unit', () => {
  it('absolute node and bin, the state dir, <state>/.env, restart policy', () => {
    const spec = buildServiceSpec({
      stateDir: '/home/u/.openclaw',
      env: {},
      nodePath: '/usr/bin/node',
      binPath: '/opt/oc/bin/openclaw.js',
      port: 19000,
    })
    const unit = renderSystemdUnit(spec)
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/oc/bin/openclaw.js gateway --port 19000\n')
    expect(unit).toContain('EnvironmentFile=-/home/u/.openclaw/.env\n')
    expect(unit).toContain('Environment="OPENCLAW_STATE_DIR=/home/u/.openclaw"\n')
    expect(unit).toContain('Restart=on-failure\n')
    expect(unit).toContain('[Install]\nWantedBy=default.target\n')
  })

  it('escapes %, $, spaces and quotes the systemd way', () => {
    expect(execWord('/a b/%h$HOME')).toBe('"/a b/%%h$$HOME"')
    expect(execWord('/plain/path')).toBe('/plain/path')
    const spec = buildServiceSpec({ stateDir: '/home/a b/%x', env: {}, nodePath: '/n', binPath: '/b' })
    const unit = renderSystemdUnit(spec)
    expect(unit).toContain('Environment="OPENCLAW_STATE_DIR=/home/a b/%%x"')
    expect(unit).toContain('EnvironmentFile=-/home/a b/%%x/.env')
  })
})

describe('launchd', () => {
  it('plist: label, program arguments, state dir, XML-escaped', () => {
    const spec = buildServiceSpec({
      stateDir: '/Users/u/<oc>&',
      env: {},
      nodePath: '/usr/local/bin/node',
      binPath: '/opt/oc/bin/openclaw.js',
    })
    const plist = renderLaunchdPlist(spec)
    expect(plist).toContain('<string>ai.openclaw.gateway</string>')
    expect(plist).toContain(
      '<string>/usr/local/bin/node</string>\n    <string>/opt/oc/bin/openclaw.js</string>\n    <string>gateway</string>',
    )
    expect(plist).toContain('<key>OPENCLAW_STATE_DIR</key>\n    <string>/Users/u/&lt;oc&gt;&amp;</string>')
  })

  it('manager: bootstrap on install, kickstart on restart, state from launchctl print', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-launchd-'))
    dirs.push(home)
    const calls: string[] = []
    const run = (file: string, args: string[]): CommandResult => {
      calls.push(`${file} ${args.join(' ')}`)
      const stdout = args[1] === 'gui/501/ai.openclaw.gateway' ? 'state = running\npid = 77\n' : ''
      return { ok: true, code: 0, stdout, stderr: '' }
    }
    const mgr = createServiceManager({ platform: 'darwin', env: { HOME: home }, run, uid: 501 })
    const spec = buildServiceSpec({ stateDir: path.join(home, '.openclaw'), env: {} })
    expect(mgr.install(spec).ok).toBe(true)
    expect(fs.existsSync(path.join(home, 'Library', 'LaunchAgents', 'ai.openclaw.gateway.plist'))).toBe(true)
    expect(mgr.status()).toMatchObject({
      manager: 'launchd',
      installed: true,
      reachable: true,
      active: true,
      detail: { pid: '77' },
    })
    expect(mgr.restart().ok).toBe(true)
    expect(calls).toContain(`launchctl bootstrap gui/501 ${mgr.unitPath}`)
    expect(calls).toContain('launchctl kickstart -k gui/501/ai.openclaw.gateway')
  })
})
