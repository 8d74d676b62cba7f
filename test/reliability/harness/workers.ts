/**
 * Parent side of the fault-injection harness: starts a worker script in its own process group,
 * reads its markers (fd 3, see workers/worker-lib.mjs), and SIGKILLs the whole group at a marker
 * or after a (seeded) delay. Every wait has a deadline; a worker still alive when the test file
 * ends is killed by the exit hook below.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { recordArtifact } from '../../support/cli.ts'

export const RELIABILITY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const WORKERS_DIR = path.join(RELIABILITY_DIR, 'workers')
export const REPO_ROOT = path.resolve(RELIABILITY_DIR, '..', '..')
export const BIN = path.join(REPO_ROOT, 'bin', 'openclaw.js')

export interface Marker {
  name: string
  data?: unknown
  at: number
}

export interface WorkerExit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface WorkerHandle {
  child: ChildProcess
  pid: number
  markers: Marker[]
  readonly stdout: string
  readonly stderr: string
  /** Resolves with the first marker of that name (already received or future); rejects at the deadline. */
  waitForMarker(name: string, timeoutMs?: number): Promise<Marker>
  /** SIGKILL (or `signal`) to the worker's whole process group. */
  killGroup(signal?: NodeJS.Signals): void
  exited: Promise<WorkerExit>
  /** The parsed `result <json>` line, once the worker has exited. */
  result<T = unknown>(): T | undefined
}

export interface StartOptions {
  env?: Record<string, string>
  /** Run through `bash -c <prefix>; exec node ...` (e.g. `ulimit -f 64`). */
  shellPrefix?: string
  /** Wrap the whole command, e.g. ['unshare', '-rm', 'sh', '-c', '<script>', 'sh']. */
  wrapper?: string[]
  stdin?: string
}

const live = new Set<WorkerHandle>()
process.on('exit', () => {
  for (const w of live) {
    try {
      process.kill(-w.pid, 'SIGKILL')
    } catch {}
  }
})

export function startWorker(script: string, args: string[], opts: StartOptions = {}): WorkerHandle {
  const scriptPath = path.isAbsolute(script) ? script : path.join(WORKERS_DIR, script)
  let command = process.execPath
  let argv = [scriptPath, ...args]
  if (opts.shellPrefix !== undefined) {
    command = 'bash'
    argv = ['-c', `${opts.shellPrefix}; exec "$0" "$@"`, process.execPath, scriptPath, ...args]
  }
  if (opts.wrapper) {
    argv = [...opts.wrapper.slice(1), command, ...argv]
    command = opts.wrapper[0] as string
  }
  const child = spawn(command, argv, {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...opts.env },
  })
  let stdout = ''
  let stderr = ''
  let markerBuf = ''
  const markers: Marker[] = []
  const waiters: Array<{ name: string; resolve: (m: Marker) => void }> = []
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d
  })
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
  })
  const markerStream = child.stdio[3] as NodeJS.ReadableStream | null
  markerStream?.setEncoding('utf8')
  markerStream?.on('data', (d: string) => {
    markerBuf += d
    let nl = markerBuf.indexOf('\n')
    while (nl >= 0) {
      const line = markerBuf.slice(0, nl)
      markerBuf = markerBuf.slice(nl + 1)
      nl = markerBuf.indexOf('\n')
      if (line.trim() === '') continue
      const m = JSON.parse(line) as Marker
      markers.push(m)
      for (const w of waiters.filter((x) => x.name === m.name)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(m)
      }
    }
  })
  if (opts.stdin !== undefined) child.stdin?.end(opts.stdin)
  const exited = new Promise<WorkerExit>((resolve, reject) => {
    child.on('error', reject)
    // 'close' (not 'exit'): every marker and output byte has been read by then.
    child.on('close', (code, signal) => {
      live.delete(handle)
      recordArtifact(`worker-${path.basename(scriptPath)}`, { stdout, stderr })
      resolve({ code, signal })
    })
  })
  const handle: WorkerHandle = {
    child,
    pid: child.pid as number,
    markers,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    waitForMarker(name, timeoutMs = 15_000) {
      const seen = markers.find((m) => m.name === name)
      if (seen) return Promise.resolve(seen)
      return new Promise<Marker>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `worker ${path.basename(scriptPath)} sent no "${name}" marker within ${timeoutMs} ms ` +
                `(markers: ${markers.map((m) => m.name).join(', ') || 'none'})\nstderr: ${stderr}`,
            ),
          )
        }, timeoutMs)
        const entry = {
          name,
          resolve: (m: Marker) => {
            clearTimeout(timer)
            resolve(m)
          },
        }
        waiters.push(entry)
        void exited.then(() => {
          if (!waiters.includes(entry)) return
          waiters.splice(waiters.indexOf(entry), 1)
          clearTimeout(timer)
          reject(new Error(`worker ${path.basename(scriptPath)} exited before "${name}"\nstderr: ${stderr}`))
        })
      })
    },
    killGroup(signal = 'SIGKILL') {
      try {
        process.kill(-(child.pid as number), signal)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
      }
    },
    exited,
    result<T>() {
      const line = stdout.split('\n').find((l) => l.startsWith('result '))
      return line === undefined ? undefined : (JSON.parse(line.slice('result '.length)) as T)
    },
  }
  live.add(handle)
  return handle
}

/** Waits for exit, killing the group at the deadline; a hang is a failure, not a stuck suite. */
export async function finish(w: WorkerHandle, timeoutMs = 20_000): Promise<WorkerExit> {
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    w.killGroup('SIGKILL')
  }, timeoutMs)
  try {
    const exit = await w.exited
    if (timedOut) throw new Error(`worker did not finish within ${timeoutMs} ms\nstderr: ${w.stderr}`)
    return exit
  } finally {
    clearTimeout(timer)
  }
}

/** Resolves after `ms` on the event loop: a fault-injection delay, never a synchronisation. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

const tempRoots: string[] = []

export function tempRoot(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `openclaw-rel-${prefix}-`))
  tempRoots.push(dir)
  return dir
}

export function cleanupTempRoots(): void {
  for (const dir of tempRoots.splice(0)) {
    try {
      fs.chmodSync(dir, 0o700)
    } catch {}
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** A store path inside a not-yet-existing agent dir. */
export function storePathIn(root: string, agentId = 'main'): string {
  return path.join(root, 'agents', agentId, 'agent', 'openclaw-agent.sqlite')
}

/** `unshare -rm` works here (private mount namespace, no real root needed). */
export function canUnshareMounts(): boolean {
  return spawnSync('unshare', ['-rm', 'true'], { timeout: 5000 }).status === 0
}
