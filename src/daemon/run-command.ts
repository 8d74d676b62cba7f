/** Runs a service-manager command (no shell, bounded time and output) and reports plainly. */
import { spawnSync } from 'node:child_process'

export interface CommandResult {
  ok: boolean
  code: number | null
  stdout: string
  stderr: string
  /** Set when the program could not be run at all (ENOENT, timeout). */
  failure?: string
}

export type Runner = (file: string, args: string[]) => CommandResult

export function makeRunner(env: Readonly<Record<string, string | undefined>>, timeoutMs = 15_000): Runner {
  return (file, args) => {
    const r = spawnSync(file, args, {
      env: env as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: timeoutMs,
      maxBuffer: 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code
      const failure =
        code === 'ENOENT'
          ? `${file} not found on PATH`
          : code === 'ETIMEDOUT'
            ? `${file} did not answer within ${timeoutMs} ms`
            : r.error.message
      return { ok: false, code: null, stdout: '', stderr: '', failure }
    }
    return { ok: r.status === 0, code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
  }
}

/** First non-empty line of stderr/stdout, for "why" messages. */
export function firstLine(r: CommandResult): string {
  if (r.failure) return r.failure
  const line = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean)
  return line ? line.slice(0, 200) : `exit code ${r.code}`
}
