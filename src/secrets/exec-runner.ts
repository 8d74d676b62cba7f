/**
 * Runs one exec provider process (R5, D-EXEC-02..04, 08, 09, 12). No shell; the child leads its
 * own process group (`detached`) so a timeout, the output cap or the parent's exit can SIGKILL
 * every process it started. We settle on the deadline itself, destroying our pipe ends, so a
 * grandchild that keeps stdout open cannot hold us past the timeout. Failure messages state
 * only the exit code, signal, timeout or size: stdout and stderr content never leaves here.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'

export interface ExecRunOptions {
  command: string
  args: readonly string[]
  env: Record<string, string>
  input: string
  timeoutMs: number
  noOutputTimeoutMs: number
  maxOutputBytes: number
}

export type ExecRunResult =
  | { ok: true; stdout: string; pid: number | undefined }
  | { ok: false; message: string; pid: number | undefined }

/** After the direct child exits, how long stragglers' pipes may stay open before we stop waiting. */
export const EXIT_GRACE_MS = 250

export function runExec(opts: ExecRunOptions): Promise<ExecRunResult> {
  return new Promise((resolve) => {
    let child: ChildProcessWithoutNullStreams
    try {
      child = spawn(opts.command, [...opts.args], {
        env: opts.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        detached: true,
        windowsHide: true,
      })
    } catch (err) {
      // E2BIG and similar spawn failures are thrown synchronously by node.
      resolve({ ok: false, message: spawnFailure(err), pid: undefined })
      return
    }
    const pid = child.pid
    const chunks: Buffer[] = []
    let outputBytes = 0
    let settled = false
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
    let idleTimer: NodeJS.Timeout | undefined
    let graceTimer: NodeJS.Timeout | undefined

    const killGroup = () => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // ESRCH: the group is already gone.
      }
    }
    const destroyPipes = () => {
      child.stdin.destroy()
      child.stdout.destroy()
      child.stderr.destroy()
    }
    const settle = (r: ExecRunResult) => {
      if (settled) return
      settled = true
      clearTimeout(totalTimer)
      clearTimeout(idleTimer)
      clearTimeout(graceTimer)
      resolve(r)
    }
    const abort = (message: string) => {
      killGroup()
      destroyPipes()
      settle({ ok: false, message, pid })
    }
    const finish = () => {
      if (!exit) return
      if (exit.signal) return settle({ ok: false, message: `terminated by signal ${exit.signal}`, pid })
      if (exit.code !== 0) return settle({ ok: false, message: `exited with code ${exit.code}`, pid })
      settle({ ok: true, stdout: Buffer.concat(chunks).toString('utf8'), pid })
    }
    const armIdle = () => {
      clearTimeout(idleTimer)
      idleTimer = setTimeout(
        () => abort(`produced no output for ${opts.noOutputTimeoutMs} ms`),
        opts.noOutputTimeoutMs,
      )
    }
    const totalTimer = setTimeout(() => abort(`timed out after ${opts.timeoutMs} ms`), opts.timeoutMs)
    armIdle()

    const onData = (keep: boolean) => (d: Buffer) => {
      if (settled) return
      outputBytes += d.length
      if (outputBytes > opts.maxOutputBytes)
        return abort(`output exceeded maxOutputBytes (${opts.maxOutputBytes})`)
      if (keep) chunks.push(d)
      armIdle()
    }
    child.stdout.on('data', onData(true))
    // stderr is drained (a full pipe would stall the child) and discarded: it may hold secrets.
    child.stderr.on('data', onData(false))
    for (const s of [child.stdout, child.stderr]) s.on('error', () => undefined)
    child.stdin.on('error', () => undefined) // EPIPE: the provider closed stdin early.

    child.on('error', (err) => abort(spawnFailure(err)))
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      // Anything still in the group is a straggler holding our pipes; buffered output stays readable.
      killGroup()
      if (settled) return
      graceTimer = setTimeout(() => {
        destroyPipes()
        finish()
      }, EXIT_GRACE_MS)
    })
    child.on('close', finish)
    child.stdin.end(opts.input)
  })
}

function spawnFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code
  if (code === 'E2BIG') return 'environment too large (E2BIG)'
  return `could not be started (${code ?? 'error'})`
}
