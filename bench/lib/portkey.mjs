/**
 * The peer baseline: the Portkey open-source gateway (npm `@portkey-ai/gateway`), installed by
 * the benchmark into a temporary folder with `npm install --prefix` (never a project
 * dependency). The folder is kept between runs and reused when it already holds the same
 * version. Any failure is returned as a reason, never thrown: the run continues without it.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const PORTKEY_VERSION = '1.15.2'

export function portkeyDir(version = PORTKEY_VERSION) {
  return path.join(os.tmpdir(), `openclaw-bench-portkey-${version}`)
}

function entryOf(dir) {
  return path.join(dir, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js')
}

/** Resolves { ok, dir, entry, installMs, reused } or { ok: false, reason }. */
export function installPortkey({ version = PORTKEY_VERSION, timeoutMs = 180_000, log = () => {} } = {}) {
  const dir = portkeyDir(version)
  const entry = entryOf(dir)
  if (fs.existsSync(entry)) return Promise.resolve({ ok: true, dir, entry, installMs: 0, reused: true })
  fs.mkdirSync(dir, { recursive: true })
  const started = performance.now()
  log(`installing @portkey-ai/gateway@${version} into ${dir} ...`)
  return new Promise((resolve) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const child = spawn(
      npm,
      [
        'install',
        '--prefix',
        dir,
        `@portkey-ai/gateway@${version}`,
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } },
    )
    let out = ''
    const keep = (d) => {
      out = (out + d).slice(-4000)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ ok: false, reason: `npm could not be started: ${err.message}` })
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      const installMs = performance.now() - started
      if (code === 0 && fs.existsSync(entry))
        return resolve({ ok: true, dir, entry, installMs, reused: false })
      fs.rmSync(dir, { recursive: true, force: true })
      resolve({
        ok: false,
        reason: `npm install exited ${code ?? signal} after ${Math.round(installMs)} ms: ${out.trim().slice(-600)}`,
      })
    })
  })
}
