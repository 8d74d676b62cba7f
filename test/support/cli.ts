/**
 * Runs the real `openclaw` binary (bin/openclaw.js -> dist) as a child process against a
 * private temp state dir, feeding stdin and capturing everything it prints.
 *
 * Canary registry (read by scripts/canary-scan.mjs after the suite): every canary() value, every
 * temp state dir, every declared input file and every captured output (CLI stdout/stderr,
 * gateway logs, HTTP responses) is recorded under CANARY_DIR, one file per test process.
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

export const TEST_COMPILE_CACHE_DIR = path.join(
  os.tmpdir(),
  `openclaw-test-v8-cache-${process.getuid?.() ?? 0}`,
)

export function makeTempHome(): TempHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-e2e-'))
  const stateDir = path.join(home, '.openclaw')
  const env: Record<string, string> = {
    HOME: home,
    OPENCLAW_STATE_DIR: stateDir,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NO_COLOR: '1',
    // One V8 code cache for the whole run (src/cli/compile-cache.ts), outside every test's home.
    OPENCLAW_COMPILE_CACHE_DIR: TEST_COMPILE_CACHE_DIR,
    // Run mode for G-01: every CLI and gateway child of the suite with debug output on.
    ...(process.env.TEST_DEBUG_LOGS === '1' ? { OPENCLAW_DEBUG: '1' } : {}),
  }
  registerStateDir(stateDir)
  return {
    home,
    stateDir,
    env,
    run: (args, opts = {}) =>
      runCli(args, { env: { ...env, ...opts.env }, stdin: opts.stdin, cwd: opts.cwd ?? home }),
    writeConfig(config) {
      fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 })
      const text = JSON.stringify(config, null, 2)
      fs.writeFileSync(path.join(stateDir, 'openclaw.json'), text, { mode: 0o600 })
      // A plaintext key a test puts in its config is an input; the product adding one is a leak.
      declareInput(path.join(stateDir, 'openclaw.json'), text)
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
      recordArtifact(
        `cli-${args
          .filter((a) => /^[a-z][a-z-]*$/.test(a))
          .slice(0, 4)
          .join('-')}`,
        {
          stdout,
          stderr,
        },
      )
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.end(opts.stdin ?? '')
  })
}

/** A unique fake secret; tests scan every output for it, and so does scripts/canary-scan.mjs. */
export function canary(prefix = 'sk-canary-'): string {
  const value = `${prefix}${randomUUID().replace(/-/g, '')}`
  planted.push(value)
  appendRegistry('planted', `${value}\n`)
  return value
}

/**
 * Where this run's registry lives. run-tests.mjs clears it first and passes CANARY_SCAN_DIR
 * (not OPENCLAW_*: test/support/hermetic-env.ts strips those from every test worker).
 */
export const CANARY_DIR = process.env.CANARY_SCAN_DIR ?? path.join(ROOT, '.tmp', 'canaries')

const planted: string[] = []
let artifactSeq = 0

function appendRegistry(kind: string, line: string): void {
  try {
    const dir = path.join(CANARY_DIR, kind)
    fs.mkdirSync(dir, { recursive: true })
    fs.appendFileSync(path.join(dir, `${process.pid}.txt`), line)
  } catch {
    // Recording must never fail a test; a missing registry shows up as an empty scan.
  }
}

/** A state dir whose files the scan reads after the suite (openclaw.json, logs, non-secret DB columns). */
export function registerStateDir(stateDir: string): void {
  appendRegistry('state-dirs', `${stateDir}\n`)
}

/**
 * Marks a file the test wrote on purpose with secrets in it (a .env, a secrets file, a config with a
 * plaintext key): the canaries it holds now are allowed in that file (and its .bak copies) later.
 * Any other canary found there, or in any undeclared file, fails the scan.
 */
export function declareInput(file: string, content?: string): void {
  let text = content
  if (text === undefined) {
    try {
      text = fs.readFileSync(file, 'latin1')
    } catch {
      text = ''
    }
  }
  const inside = planted.filter((c) => text.includes(c))
  appendRegistry('inputs', `${JSON.stringify({ path: path.resolve(file), canaries: inside })}\n`)
}

/** Saves what a client or operator saw (stdout, stderr, logs, HTTP responses) for the scan. */
export function recordArtifact(label: string, parts: Record<string, string | Buffer>): void {
  try {
    const dir = path.join(CANARY_DIR, 'artifacts')
    fs.mkdirSync(dir, { recursive: true })
    const safe = label.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)
    const file = path.join(dir, `${process.pid}-${++artifactSeq}-${safe}.txt`)
    const chunks: Buffer[] = []
    for (const [name, value] of Object.entries(parts)) {
      chunks.push(
        Buffer.from(`--- ${name} ---\n`),
        Buffer.isBuffer(value) ? value : Buffer.from(value),
        Buffer.from('\n'),
      )
    }
    fs.writeFileSync(file, Buffer.concat(chunks))
  } catch {
    // As above: never fail a test because recording failed.
  }
}

// The per-worker hermetic home (test/support/hermetic-env.ts) is a state dir too.
if (process.env.OPENCLAW_STATE_DIR) registerStateDir(process.env.OPENCLAW_STATE_DIR)

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
