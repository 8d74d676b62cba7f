/**
 * What a command gets: its parsed arguments and injected I/O, environment and clock. Commands
 * never touch process.* directly, so tests can drive them in-process as well as via the binary.
 */
import { styleText } from 'node:util'
import type { Clock } from '../auth/types.ts'
import type { ParsedCommand } from './parse-args.ts'

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown }
}

export interface CommandContext {
  parsed: ParsedCommand
  io: CliIO
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  clock: Clock
  /** Resolves when the user interrupts (SIGINT); long-running commands race against it. */
  interrupted: Promise<void>
}

export function out(ctx: CommandContext, line = ''): void {
  ctx.io.stdout.write(`${line}\n`)
}

export function err(ctx: CommandContext, line = ''): void {
  ctx.io.stderr.write(`${line}\n`)
}

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan'

/** Colour only for a TTY and never with NO_COLOR; piped output stays plain text. */
export function paint(ctx: CommandContext, stream: 'stdout' | 'stderr', style: Style, text: string): string {
  const s = ctx.io[stream]
  if (!s.isTTY || ctx.env.NO_COLOR !== undefined || ctx.env.TERM === 'dumb') return text
  return styleText(style, text)
}
