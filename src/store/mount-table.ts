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
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)))
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = []
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ')
    const sep = fields.indexOf('-', 6)
    if (sep < 0 || sep + 1 >= fields.length) continue
    const id = Number(fields[0])
    const mountPoint = fields[4]
    const fsType = fields[sep + 1]
    if (!Number.isInteger(id) || !mountPoint?.startsWith('/') || !fsType) continue
    out.push({
      id,
      mountPoint: unescapeOctal(mountPoint),
      fsType: unescapeOctal(fsType),
      source: unescapeOctal(fields[sep + 2] ?? ''),
    })
  }
  return out
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
