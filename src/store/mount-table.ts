/**
 * `/proc/self/mountinfo` parsing and the mount a path lives on. Pure: the file is read once per
 * process by store-filesystem.ts, this only interprets text (unit-tested with fixture lines).
 *
 * Line format (proc(5)): `id parent major:minor root mount-point options [optional...] - fstype
 * source super-options`. The optional fields vary in number, so the type is found after the
 * lone `-` separator, not at a fixed column.
 */

export interface MountEntry {
  id: number
  /** Decoded (`\040` -> space). */
  mountPoint: string
  /** e.g. `ext4`, `nfs4`, `fuse.sshfs`. */
  fsType: string
  source: string
}

/** Space, tab, newline and backslash are written as 3-digit octal escapes in mountinfo. */
function unescapeOctal(s: string): string {
  return s.includes('\\')
    ? s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)))
    : s
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = []
  // Plain index scans, no per-line arrays or regexes: this runs on the first write of every
  // CLI command that saves something (the start-up time of those is a feature too).
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const entry = parseLine(text.slice(start, end))
    if (entry) out.push(entry)
    start = end + 1
  }
  return out
}

function parseLine(line: string): MountEntry | undefined {
  const sep = line.indexOf(' - ')
  if (sep < 0) return undefined
  const head = line.slice(0, sep).split(' ')
  if (head.length < 6) return undefined
  const tail = line.slice(sep + 3).split(' ')
  const id = Number(head[0])
  const mountPoint = head[4] ?? ''
  const fsType = tail[0] ?? ''
  if (!Number.isInteger(id) || !mountPoint.startsWith('/') || fsType === '') return undefined
  return {
    id,
    mountPoint: unescapeOctal(mountPoint),
    fsType: unescapeOctal(fsType),
    source: unescapeOctal(tail[1] ?? ''),
  }
}

/**
 * The mount holding `absPath` (already resolved with realpath): the longest mount point that is
 * the path or one of its parents. Among equal mount points the last one wins: mountinfo lists
 * mounts in the order they were made, and a later mount over the same point hides the earlier.
 */
export function mountOf(absPath: string, entries: readonly MountEntry[]): MountEntry | undefined {
  let best: MountEntry | undefined
  for (const e of entries) {
    if (!isUnder(absPath, e.mountPoint)) continue
    if (!best || e.mountPoint.length >= best.mountPoint.length) best = e
  }
  return best
}

function isUnder(p: string, mountPoint: string): boolean {
  if (mountPoint === '/') return p.startsWith('/')
  return p === mountPoint || p.startsWith(`${mountPoint}/`)
}
