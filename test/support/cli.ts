/**
 * Runs the real `openclaw` binary (bin/openclaw.js -> dist) as a child process against a
 * private temp state dir, feeding stdin and capturing everything it prints.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = path.join(ROOT, 'bin', 'openclaw.js')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface TempHome {
  home: string
  stateDir: string
  env: Record<string, string>
  run(
    args: string[],
    opts?: { stdin?: string; env?: Record<string, string>; cwd?: string },
  ): Promise<CliResult>
  writeConfig(config: unknown): void
  readConfig(): Record<string, unknown>
  storePath(agentId?: string): string
}

export function makeTempHome(): TempHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-e2e-'))
  const stateDir = path.join(home, '.openclaw')
  const env: Record<string, string> = {
    HOME: home,
    OPENCLAW_STATE_DIR: stateDir,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NO_COLOR: '1',
  }
  return {
    home,
    stateDir,
    env,
    run: (args, opts = {}) =>
      runCli(args, { env: { ...env, ...opts.env }, stdin: opts.stdin, cwd: opts.cwd ?? home }),
    writeConfig(config) {
      fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 })
      fs.writeFileSync(path.join(stateDir, 'openclaw.json'), JSON.stringify(config, null, 2), { mode: 0o600 })
    },
    readConfig() {
      return JSON.parse(fs.readFileSync(path.join(stateDir, 'openclaw.json'), 'utf8'))
    },
    storePath(agentId = 'main') {
      return path.join(stateDir, 'agents', agentId, 'agent', 'openclaw-agent.sqlite')
    },
  }
}

export function runCli(
  args: string[],
  opts: { env: Record<string, string>; stdin?: string; cwd: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: opts.env, cwd: opts.cwd, stdio: 'pipe' })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`openclaw ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 20_000} ms`))
    }, opts.timeoutMs ?? 20_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.end(opts.stdin ?? '')
  })
}

/** A unique fake secret; tests scan every output for it. */
export function canary(prefix = 'sk-canary-'): string {
  return `${prefix}${randomUUID().replace(/-/g, '')}`
}

export function expectNoCanary(texts: string[], secrets: string[]): void {
  for (const s of secrets) {
    const forms = [s, Buffer.from(s).toString('base64'), encodeURIComponent(s)]
    for (const t of texts) {
      for (const f of forms) {
        if (t.includes(f))
          throw new Error(
            `secret leaked into output: ...${t.slice(Math.max(0, t.indexOf(f) - 40), t.indexOf(f))}`,
          )
      }
    }
  }
}
