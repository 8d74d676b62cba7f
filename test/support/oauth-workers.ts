/**
 * Spawns test/workers/oauth-refresh.mjs processes and lets a test react to their markers
 * ("ready", "leased", "waiting") instead of sleeping: the markers are the synchronisation.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { ROOT } from './cli.ts'

export interface WorkerResult {
  ok: boolean
  status?: number
  accessHash?: string
  refreshed?: boolean
  adopted?: boolean
  code?: string
  message?: string
}

export interface OAuthWorker {
  child: ChildProcess
  /** Resolves when the worker printed this marker line. */
  marker(name: string): Promise<void>
  go(): void
  result: Promise<WorkerResult>
  stderr(): string
}

export function startRefreshWorker(
  args: {
    stateDir: string
    agentId: string
    profileId: string
    base: string
    clientId: string
    mode?: string
  },
  env: Record<string, string> = {},
): OAuthWorker {
  const script = path.join(ROOT, 'test', 'workers', 'oauth-refresh.mjs')
  const argv = [script, args.stateDir, args.agentId, args.profileId, args.base, args.clientId]
  if (args.mode) argv.push(args.mode)
  const child = spawn(process.execPath, argv, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  })
  let stdout = ''
  let stderr = ''
  const waiters: Array<{ name: string; resolve: () => void }> = []
  const check = () => {
    const lines = stdout.split('\n')
    for (const w of [...waiters]) {
      if (lines.includes(w.name)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    }
  }
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d
    check()
  })
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
  })
  const result = new Promise<WorkerResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      for (const w of waiters.splice(0)) w.resolve()
      const line = stdout.split('\n').find((l) => l.startsWith('result '))
      if (line === undefined) reject(new Error(`worker ${args.agentId} exited ${code ?? signal}:\n${stderr}`))
      else resolve(JSON.parse(line.slice('result '.length)) as WorkerResult)
    })
  })
  void result.catch(() => undefined)
  return {
    child,
    marker: (name) =>
      new Promise<void>((resolve) => {
        waiters.push({ name, resolve })
        check()
      }),
    go: () => child.stdin?.end('go\n'),
    result,
    stderr: () => stderr,
  }
}

/** Kills every worker still running when the test's deadline passes, so a hang fails fast. */
export function withDeadline<T>(workers: OAuthWorker[], ms: number, p: Promise<T>): Promise<T> {
  const timer = setTimeout(() => {
    for (const w of workers) w.child.kill('SIGKILL')
  }, ms)
  return p.finally(() => clearTimeout(timer))
}
