/**
 * The real `openclaw gateway` as a child process in its own process group (so kill -9 takes
 * the whole group, as a supervisor would), against a temp state dir. Its stderr log lines are
 * timestamped as they arrive, so a test can wait for one (a marker) and knows when the parent
 * saw it. Every wait has a deadline; a group still alive when the test file ends is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import { recordArtifact, type TempHome } from '../../support/cli.ts'
import { BIN } from './workers.ts'

const PROBE = pathToFileURL(new URL('./gateway-probe.mjs', import.meta.url).pathname).href

export interface LogLine {
  /** performance.timeOrigin + performance.now() when the parent read it. */
  at: number
  text: string
}

export interface GatewayMemory {
  heapUsed: number
  rss: number
  gc: boolean
}

export interface GatewayProcess {
  child: ChildProcess
  pid: number
  url: string
  port: number
  /** Epoch ms (fractional) of spawn and of the first /health 200. */
  spawnedAt: number
  healthyAt: number
  lines: LogLine[]
  readonly stderr: string
  /** The first line matching `re` at or after index `from` (default: any); rejects at the deadline. */
  waitForLine(re: RegExp, timeoutMs?: number, from?: number): Promise<LogLine>
  /** Heap and RSS after a forced full GC (needs `probe: true`). */
  memory(): Promise<GatewayMemory>
  killGroup(signal?: NodeJS.Signals): void
  /** SIGTERM and wait for the exit code (a graceful stop flushes bookkeeping). */
  stop(timeoutMs?: number): Promise<number | null>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export const now = (): number => performance.timeOrigin + performance.now()

const live = new Set<number>()
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {}
  }
})

export async function startGatewayProcess(opts: {
  home: TempHome
  env?: Record<string, string>
  port?: number
  /** Preload the memory probe (node --expose-gc, IPC). */
  probe?: boolean
  startTimeoutMs?: number
}): Promise<GatewayProcess> {
  const spawnedAt = now()
  const nodeArgs = opts.probe ? ['--expose-gc', '--import', PROBE] : []
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'gateway', '--port', String(opts.port ?? 0)], {
    env: { ...opts.home.env, ...opts.env },
    cwd: opts.home.home,
    detached: true,
    stdio: opts.probe ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  })
  const pid = child.pid as number
  live.add(pid)
  let stderr = ''
  let stdout = ''
  let partial = ''
  const lines: LogLine[] = []
  const waiters: Array<{ re: RegExp; from: number; resolve: (l: LogLine) => void }> = []
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d
  })
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
    partial += d
    const parts = partial.split('\n')
    partial = parts.pop() ?? ''
    const at = now()
    for (const text of parts) {
      const line = { at, text }
      lines.push(line)
      for (const w of [...waiters]) {
        if (lines.length - 1 >= w.from && w.re.test(text)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(line)
        }
      }
    }
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      live.delete(pid)
      recordArtifact('gateway-process', { stdout, stderr })
      resolve({ code, signal })
    })
  })
  const waitForLine = (re: RegExp, timeoutMs = 10_000, from = 0): Promise<LogLine> => {
    const seen = lines.slice(from).find((l) => re.test(l.text))
    if (seen) return Promise.resolve(seen)
    return new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(entry), 1)
        reject(
          new Error(`gateway logged no line matching ${re} within ${timeoutMs} ms:\n${stderr.slice(-2000)}`),
        )
      }, timeoutMs)
      const entry = {
        re,
        from,
        resolve: (l: LogLine) => {
          clearTimeout(timer)
          resolve(l)
        },
      }
      waiters.push(entry)
      void exited.then(() => {
        if (!waiters.includes(entry)) return
        waiters.splice(waiters.indexOf(entry), 1)
        clearTimeout(timer)
        reject(new Error(`gateway exited before logging ${re}:\n${stderr.slice(-2000)}`))
      })
    })
  }
  const killGroup = (signal: NodeJS.Signals = 'SIGKILL') => {
    try {
      process.kill(-pid, signal)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
    }
  }
  const timeoutMs = opts.startTimeoutMs ?? 15_000
  let listening: LogLine
  try {
    listening = await waitForLine(/listening on http:\/\/127\.0\.0\.1:\d+/, timeoutMs)
  } catch (err) {
    killGroup()
    throw err
  }
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(listening.text)?.[1] as string
  const healthyAt = await firstHealthy(url, spawnedAt + timeoutMs)
  let memSeq = 0
  return {
    child,
    pid,
    url,
    port: Number(new URL(url).port),
    spawnedAt,
    healthyAt,
    lines,
    get stderr() {
      return stderr
    },
    waitForLine,
    memory() {
      const id = ++memSeq
      return new Promise<GatewayMemory>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('gateway did not answer the memory probe')), 10_000)
        const onMessage = (m: { type?: string; id?: number } & GatewayMemory) => {
          if (m?.type !== 'mem' || m.id !== id) return
          clearTimeout(timer)
          child.off('message', onMessage)
          resolve(m)
        }
        child.on('message', onMessage)
        child.send?.({ type: 'mem', id })
      })
    },
    killGroup,
    async stop(stopTimeoutMs = 10_000) {
      const timer = setTimeout(() => killGroup(), stopTimeoutMs)
      killGroup('SIGTERM')
      const { code, signal } = await exited
      clearTimeout(timer)
      if (signal === 'SIGKILL') throw new Error(`gateway did not stop within ${stopTimeoutMs} ms`)
      return code
    },
    exited,
  }
}

/** Polls GET /health until it answers 200 (a restart is "healthy" only then). */
async function firstHealthy(url: string, deadline: number): Promise<number> {
  while (now() < deadline) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })
      await res.arrayBuffer()
      if (res.status === 200) return now()
    } catch {
      // Not accepting connections yet.
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`gateway at ${url} was not healthy before the deadline`)
}
