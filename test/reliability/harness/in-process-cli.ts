/**
 * Drives the CLI's `main()` in-process with injected stdio, for table tests with dozens of hostile
 * inputs (a spawn per case would cost ~150 ms of CPU each, and argv cannot even carry a NUL).
 * Same parsing, validation, store and error mapping as the binary; outputs are recorded for the
 * canary scan like runCli's.
 */
import { PassThrough, Readable } from 'node:stream'
import { main } from '../../../src/cli/main.ts'
import { recordArtifact } from '../../support/cli.ts'

export interface InProcessResult {
  code: number
  stdout: string
  stderr: string
}

export async function runMain(
  argv: string[],
  opts: { env: Record<string, string>; cwd: string; stdin?: string; clock?: () => number },
): Promise<InProcessResult> {
  const collect = () => {
    const s = new PassThrough()
    let text = ''
    s.setEncoding('utf8').on('data', (d: string) => {
      text += d
    })
    return { stream: s, text: () => text }
  }
  const out = collect()
  const err = collect()
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)])
  const code = await main(argv, {
    io: { stdout: out.stream, stderr: err.stream, stdin },
    env: opts.env,
    cwd: opts.cwd,
    ...(opts.clock ? { clock: opts.clock } : {}),
  })
  out.stream.end()
  err.stream.end()
  await new Promise((resolve) => setImmediate(resolve))
  const result = { code, stdout: out.text(), stderr: err.text() }
  recordArtifact('cli-in-process', { stdout: result.stdout, stderr: result.stderr })
  return result
}

/** Control characters other than newline: a message must never carry one to a terminal. */
export function rawControlChars(text: string): string[] {
  return [
    ...text.matchAll(/[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g),
  ].map((m) => `U+${(m[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)
}
