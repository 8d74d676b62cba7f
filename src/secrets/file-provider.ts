/**
 * The file source (D-FILE-01..04). The file is checked with lstat BEFORE it is opened (regular
 * file, not a symlink, owned by us, no group/other bits), then opened with O_NONBLOCK|O_NOFOLLOW
 * and re-checked by fstat, so a FIFO, a device or a swapped-in symlink can never block or
 * redirect the read. Size and time are bounded. The file is read once per resolution pass.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { FileSecretProviderConfig } from '../config/types.ts'
import { fileSettings } from './provider-config.ts'
import { fileIdSegments, SINGLE_VALUE_ID } from './ref.ts'
import { failure, type RefResult } from './snapshot.ts'
import { checkSecretValue } from './value-check.ts'

/** Kernel pseudo-filesystems: their "regular files" (e.g. /proc/self/environ) are not secrets stores. */
const SPECIAL_ROOTS = ['/proc', '/sys', '/dev']

export async function resolveFileIds(
  alias: string,
  config: FileSecretProviderConfig,
  ids: readonly string[],
): Promise<Map<string, RefResult>> {
  const s = fileSettings(config)
  const label = `file provider "${alias}"`
  const read = await readBounded(s.path, s.maxBytes, s.timeoutMs)
  const out = new Map<string, RefResult>()
  if (!read.ok) {
    const f = failure('secret_ref_unresolved', `${label}: ${read.message}`)
    for (const id of ids) out.set(id, f)
    return out
  }
  const text = read.text.replace(/^\uFEFF/, '')
  if (s.mode === 'singleValue') {
    // `echo secret > file` adds one newline; exactly one is stripped, anything more is refused.
    const value = text.replace(/\r?\n$/, '')
    for (const id of ids) {
      if (id !== SINGLE_VALUE_ID) {
        out.set(
          id,
          failure('secret_ref_invalid', `${label} is a singleValue provider; its only id is "value"`),
        )
        continue
      }
      out.set(id, checked(checkSecretValue(value, `${label}: ${s.path}`)))
    }
    return out
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    const f = failure('secret_ref_unresolved', `${label}: ${s.path} does not contain valid JSON`)
    for (const id of ids) out.set(id, f)
    return out
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    const f = failure(
      'secret_ref_unresolved',
      `${label}: ${s.path} does not contain a JSON object at the top level`,
    )
    for (const id of ids) out.set(id, f)
    return out
  }
  for (const id of ids) out.set(id, lookup(doc, id, label))
  return out
}

function lookup(doc: unknown, id: string, label: string): RefResult {
  const where = `${label}: id ${JSON.stringify(id)}`
  const segments = fileIdSegments(id)
  if (typeof segments === 'string') return failure('secret_ref_invalid', `${where}: ${segments}`)
  let node: unknown = doc
  for (const seg of segments) {
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(seg) && Number(seg) < node.length)
      node = node[Number(seg)]
    else if (typeof node === 'object' && node !== null && !Array.isArray(node) && Object.hasOwn(node, seg)) {
      node = (node as Record<string, unknown>)[seg]
    } else return failure('secret_ref_unresolved', `${where} was not found in the file`)
  }
  if (typeof node !== 'string')
    return failure('secret_ref_unresolved', `${where} resolved to a non-string value`)
  return checked(checkSecretValue(node, where))
}

function checked(r: ReturnType<typeof checkSecretValue>): RefResult {
  return r.ok ? r : failure('secret_ref_unresolved', r.message)
}

type ReadResult = { ok: true; text: string } | { ok: false; message: string }

/** Pre-open policy checks; undefined when the path may be opened. */
export function checkSecretFile(file: string): { message: string } | undefined {
  if (process.platform === 'win32') {
    return { message: 'file permissions cannot be verified on Windows, so file providers are refused' }
  }
  if (!path.isAbsolute(file)) return { message: `path ${file} is not absolute` }
  let real: string
  try {
    real = path.join(fs.realpathSync(path.dirname(file)), path.basename(file))
  } catch {
    real = file
  }
  if (SPECIAL_ROOTS.some((r) => real === r || real.startsWith(`${r}/`))) {
    return { message: `${file} is on a kernel pseudo-filesystem (${SPECIAL_ROOTS.join(', ')}); refused` }
  }
  let st: fs.Stats
  try {
    st = fs.lstatSync(file)
  } catch (err) {
    return {
      message: `${file} cannot be read (${errCode(err) === 'ENOENT' ? 'no such file' : errCode(err)})`,
    }
  }
  if (st.isSymbolicLink()) return { message: `${file} is a symlink (refused; point path at the real file)` }
  if (!st.isFile()) return { message: `${file} is ${kindOf(st)}, not a regular file (refused)` }
  const uid = process.getuid?.()
  if (uid !== undefined && st.uid !== uid) {
    return { message: `${file} is not owned by you (owner uid ${st.uid}); refused` }
  }
  const mode = st.mode & 0o777
  if ((mode & 0o077) !== 0) {
    return {
      message: `${file} permissions are too open (${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${file}`,
    }
  }
  return undefined
}

export async function readBounded(file: string, maxBytes: number, timeoutMs: number): Promise<ReadResult> {
  const refused = checkSecretFile(file)
  if (refused) return { ok: false, message: refused.message }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<ReadResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, message: `reading ${file} timed out after ${timeoutMs} ms` }),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([readOpened(file, maxBytes), timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function readOpened(file: string, maxBytes: number): Promise<ReadResult> {
  const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW } = fs.constants
  let fh: fs.promises.FileHandle
  try {
    fh = await fs.promises.open(file, O_RDONLY | O_NONBLOCK | O_NOFOLLOW)
  } catch (err) {
    const code = errCode(err)
    return fail(code === 'ELOOP' ? `${file} is a symlink (refused)` : `${file} cannot be opened (${code})`)
  }
  try {
    const st = await fh.stat()
    // Re-check what we actually opened: the path may have been swapped since the lstat.
    if (!st.isFile()) return fail(`${file} is ${kindOf(st)}, not a regular file (refused)`)
    const uid = process.getuid?.()
    if ((uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
      return fail(`${file} changed owner or permissions while being opened; refused`)
    }
    if (st.size > maxBytes) return fail(`${file} is larger than maxBytes (${maxBytes} bytes)`)
    const buf = Buffer.alloc(maxBytes + 1)
    let total = 0
    for (;;) {
      const { bytesRead } = await fh.read(buf, total, buf.length - total, total)
      if (bytesRead === 0) break
      total += bytesRead
      if (total > maxBytes) return fail(`${file} is larger than maxBytes (${maxBytes} bytes)`)
    }
    if (total === 0) return fail(`${file} is empty`)
    return { ok: true, text: buf.subarray(0, total).toString('utf8') }
  } catch (err) {
    return fail(`${file} cannot be read (${errCode(err)})`)
  } finally {
    await fh.close().catch(() => undefined)
  }
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message }
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? 'error'
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory'
  if (st.isFIFO()) return 'a FIFO'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}
