/**
 * Reads a secret from stdin (pipes, automation) or a hidden TTY prompt. Secrets never come
 * from argv, where `ps` and shell history would keep them.
 */
import { OpenclawError } from '../errors.ts'
import type { CommandContext } from './context.ts'

const MAX_STDIN_BYTES = 1024 * 1024

export async function readSecret(ctx: CommandContext, prompt: string): Promise<string> {
  const stdin = ctx.io.stdin
  if (stdin.isTTY && typeof stdin.setRawMode === 'function') return promptHidden(ctx, prompt)
  return readAll(stdin)
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buf.length
    if (size > MAX_STDIN_BYTES) {
      throw new OpenclawError(
        'invalid_credential',
        'Input on stdin is larger than 1 MiB; expected a single key or token.',
      )
    }
    chunks.push(buf)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function promptHidden(ctx: CommandContext, prompt: string): Promise<string> {
  const stdin = ctx.io.stdin as NodeJS.ReadStream
  ctx.io.stderr.write(prompt)
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = (fn: () => void) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.removeListener('data', onData)
      ctx.io.stderr.write('\n')
      fn()
    }
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(value))
        if (ch === '\u0003') return finish(() => reject(new OpenclawError('cancelled', 'Cancelled.')))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.setRawMode(true)
    stdin.resume()
    stdin.on('data', onData)
  })
}
