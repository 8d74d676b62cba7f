/**
 * The `openclaw` entry point: parse, run one command, map any error to an exit code. This is
 * the only place that turns errors into exit codes (the gh pattern); user errors print one
 * clear message and a hint, never a stack trace.
 */
import { takeWriteNotices } from '../config/write-notices.ts'
import { EXIT, OpenclawError } from '../errors.ts'
import { redactPatterns } from '../util/redact.ts'
import type { CliIO, CommandContext } from './context.ts'
import { renderHelp } from './help.ts'
import { parseCommandLine } from './parse-args.ts'
import { processStdio } from './process-stdio.ts'
import { VERSION } from './version.ts'

export interface MainOptions {
  io?: CliIO
  env?: Readonly<Record<string, string | undefined>>
  cwd?: string
  clock?: () => number
}

export async function main(argv: readonly string[], opts: MainOptions = {}): Promise<number> {
  const io: CliIO = opts.io ?? processStdio()
  const env = opts.env ?? process.env
  let onSigint: (() => void) | undefined
  const interrupted = new Promise<void>((resolve) => {
    onSigint = () => resolve()
  })
  if (!opts.io) process.once('SIGINT', onSigint!)
  try {
    const outcome = parseCommandLine(argv)
    if (outcome.kind === 'version') {
      io.stdout.write(`openclaw ${VERSION}\n`)
      return EXIT.ok
    }
    if (outcome.kind === 'help') {
      io.stdout.write(renderHelp(outcome.path))
      return EXIT.ok
    }
    const ctx: CommandContext = {
      parsed: outcome.parsed,
      io,
      env,
      cwd: opts.cwd ?? process.cwd(),
      clock: opts.clock ?? Date.now,
      interrupted,
    }
    // One turn of the event loop between loading the CLI and loading the command's modules:
    // back to back they are one long block, which a starting gateway must not have.
    await new Promise<void>((resolve) => setImmediate(resolve))
    const mod = await outcome.parsed.command.load()
    return await mod.run(ctx)
  } catch (error) {
    return reportError(io, error, env)
  } finally {
    for (const n of takeWriteNotices()) io.stderr.write(`warning: ${n}\n`)
    if (!opts.io && onSigint) process.removeListener('SIGINT', onSigint)
  }
}

function reportError(io: CliIO, error: unknown, env: Readonly<Record<string, string | undefined>>): number {
  if (OpenclawError.isInstance(error)) {
    io.stderr.write(`Error: ${error.message}\n`)
    if (error.hint) io.stderr.write(`${error.hint}\n`)
    return error.exitCode
  }
  // An unexpected bug: say so plainly. The stack only with OPENCLAW_DEBUG; a library error may
  // quote request data, so credential shapes are masked in both (the stack repeats the message).
  const message = redactPatterns(error instanceof Error ? error.message : String(error))
  io.stderr.write(`Error: unexpected internal failure: ${message}\n`)
  if (env.OPENCLAW_DEBUG === '1' && error instanceof Error && error.stack)
    io.stderr.write(`${redactPatterns(error.stack)}\n`)
  else io.stderr.write('Set OPENCLAW_DEBUG=1 for details, and please report it.\n')
  return EXIT.failure
}
