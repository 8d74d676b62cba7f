/**
 * Reads one legacy JSON auth file with a hard bound. The size is taken from the open
 * descriptor and at most MAX_LEGACY_FILE_BYTES + 1 bytes are ever read, so a huge file (or one
 * that grows while we read it) is refused with its size and the way out, never pulled into
 * memory whole: the runtime guard, `doctor` and `doctor --fix` all read through here.
 */
import fs from 'node:fs'
import { MAX_LEGACY_FILE_BYTES } from './legacy-files.ts'

export type LegacyRead =
  | { ok: true; text: string }
  | { ok: false; failure: 'missing' | 'not_file' | 'too_large' | 'unreadable'; detail: string }

const LIMIT_TEXT = `${MAX_LEGACY_FILE_BYTES / (1024 * 1024)} MiB`

export function readLegacyFile(file: string, limit = MAX_LEGACY_FILE_BYTES): LegacyRead {
  let fd: number
  try {
    // O_NONBLOCK: a FIFO in place of the file must not hang the open (it is refused below).
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { ok: false, failure: 'missing', detail: `${file} does not exist` }
    return { ok: false, failure: 'unreadable', detail: `cannot read ${file}: ${code ?? 'error'}` }
  }
  try {
    const st = fs.fstatSync(fd)
    if (!st.isFile()) return { ok: false, failure: 'not_file', detail: `${file} is not a regular file` }
    if (st.size > limit) return tooLarge(file, st.size, limit)
    // One byte more than fstat promised: filling it means the file grew while we read.
    const buf = Buffer.allocUnsafe(st.size + 1)
    let got = 0
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, got)
      if (n === 0) break
      got += n
    }
    if (got === buf.length) {
      if (got > limit) return tooLarge(file, got, limit)
      return {
        ok: false,
        failure: 'unreadable',
        detail: `${file} changed while being read; run the command again`,
      }
    }
    return { ok: true, text: buf.toString('utf8', 0, got) }
  } catch (err) {
    return {
      ok: false,
      failure: 'unreadable',
      detail: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    }
  } finally {
    fs.closeSync(fd)
  }
}

function tooLarge(file: string, size: number, limit: number): LegacyRead {
  const shown = limit === MAX_LEGACY_FILE_BYTES ? LIMIT_TEXT : `${limit} bytes`
  return {
    ok: false,
    failure: 'too_large',
    detail: `${file} is larger than the ${shown} limit for auth files (${size} bytes or more; real ones are a few KB); not read, left untouched. Move it out of the agent dir, or copy its entries into a smaller file`,
  }
}
