/**
 * A yes/no question on a TTY. Without a TTY nothing prompts: the command must be given --yes.
 */
import { OpenclawError } from '../errors.ts'
import type { CommandContext } from './context.ts'

export async function confirm(ctx: CommandContext, question: string): Promise<boolean> {
  if (!ctx.io.stdin.isTTY) {
    throw new OpenclawError('not_a_tty', 'Refusing to ask for confirmation: stdin is not a terminal.', {
      hint: 'Re-run with --yes to confirm non-interactively.',
    })
  }
  ctx.io.stderr.write(question)
  const stdin = ctx.io.stdin
  const answer = await new Promise<string>((resolve) => {
    const onData = (d: Buffer | string) => {
      stdin.removeListener('data', onData)
      stdin.pause()
      resolve(String(d))
    }
    stdin.on('data', onData)
    stdin.resume()
  })
  return /^y(es)?$/i.test(answer.trim())
}
