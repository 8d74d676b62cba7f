/**
 * The CLI's stdio without building Node's stream objects unless a command needs them.
 * `process.stdout` and friends are created on first access, and creating them loads Node's
 * stream machinery (some 30 internal modules, ~5 ms of every start). Output is written with
 * `fs.writeSync`, which is what those streams do on Linux for files, pipes and terminals anyway
 * (synchronously), so ordering with any later stream write is kept. Everything other than
 * `write` (isTTY, columns, events, what a prompt library needs) goes to the real stream.
 */
import fs from 'node:fs'
import type { CliIO } from './context.ts'

type Out = CliIO['stdout']

function fdWriter(fd: 1 | 2, real: () => NodeJS.WriteStream): Out {
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const cb = rest.find((r) => typeof r === 'function') as ((err?: Error | null) => void) | undefined
    let buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    try {
      while (buf.length > 0) buf = buf.subarray(fs.writeSync(fd, buf))
    } catch {
      // A descriptor another part of the process made non-blocking fills up: let the stream
      // queue the rest. Anything else (EPIPE...) is the stream's to report, as before.
      return real().write(buf, cb)
    }
    cb?.()
    return true
  }
  let tty: boolean | undefined
  const isTTY = (): boolean => {
    if (tty === undefined) {
      // Pipes, files and sockets are never terminals; only a character device needs the stream
      // to tell (a terminal from /dev/null).
      let st: fs.Stats | undefined
      try {
        st = fs.fstatSync(fd)
      } catch {
        st = undefined
      }
      tty = st && (!st.isCharacterDevice() || isDevNull(st)) ? false : real().isTTY === true
    }
    return tty
  }
  return new Proxy({} as Out, {
    get(_t, prop) {
      if (prop === 'write') return write
      if (prop === 'isTTY') return isTTY()
      const stream = real() as unknown as Record<PropertyKey, unknown>
      const v = stream[prop]
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(stream) : v
    },
    set(_t, prop, value) {
      ;(real() as unknown as Record<PropertyKey, unknown>)[prop] = value
      return true
    },
  })
}

/** `> /dev/null` (cron's favourite) is a character device too, but never a terminal. */
function isDevNull(st: fs.Stats): boolean {
  try {
    return st.rdev === fs.statSync('/dev/null').rdev
  } catch {
    return false
  }
}

/** stdin, stdout and stderr of this process, created lazily. */
export function processStdio(): CliIO {
  let stdin: CliIO['stdin'] | undefined
  return {
    stdout: fdWriter(1, () => process.stdout),
    stderr: fdWriter(2, () => process.stderr),
    get stdin() {
      stdin ??= process.stdin
      return stdin
    },
  }
}
