/**
 * Runs `claude setup-token` interactively and returns the token it printed. Claude Code needs a
 * real terminal, and we need its output: with `script` (util-linux or BSD) the child gets its
 * own pseudo-terminal while we read the output; without it the child's stdout is a pipe.
 * Stdin stays the user's terminal. The echo we show has the token hidden.
 */
import { spawn } from 'node:child_process'
import { searchPath } from './command.ts'
import { createTokenMasker, extractSetupToken, extractSetupTokenValidity } from './setup-token-output.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface SetupTokenRun {
  token: string | undefined
  /** The lifetime the output stated ("valid for 1 year"), in ms; undefined when none. */
  validForMs: number | undefined
  code: number | null
  signal: NodeJS.Signals | null
}

/** POSIX single-quoting for the one place a shell sees our argv (util-linux `script -c`). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

export function setupTokenArgv(
  command: string,
  env: Env,
  platform = process.platform,
): { file: string; args: string[] } {
  const script = searchPath('script', env)
  if (!script) return { file: command, args: ['setup-token'] }
  if (platform === 'linux') {
    // -q quiet, -e return the child's exit code, -c the command; /dev/null: no typescript file.
    return { file: script, args: ['-q', '-e', '-c', `${shellQuote(command)} setup-token`, '/dev/null'] }
  }
  return { file: script, args: ['-q', '/dev/null', command, 'setup-token'] }
}

export function runClaudeSetupToken(opts: {
  command: string
  env: Env
  echo: (s: string) => void
  interrupted: Promise<void>
}): Promise<SetupTokenRun> {
  const { file, args } = setupTokenArgv(opts.command, opts.env)
  const child = spawn(file, args, { env: { ...opts.env }, stdio: ['inherit', 'pipe', 'inherit'] })
  const masker = createTokenMasker(opts.echo)
  let raw = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    // Bounded: setup-token prints a screenful, not megabytes.
    raw = (raw + d).slice(-256 * 1024)
    masker.push(d)
  })
  void opts.interrupted.then(() => child.kill('SIGTERM'))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      masker.end()
      resolve({ token: extractSetupToken(raw), validForMs: extractSetupTokenValidity(raw), code, signal })
    })
  })
}
