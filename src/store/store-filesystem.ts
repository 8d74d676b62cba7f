/**
 * B-11, the I/O half: which filesystem holds a store's directory, and so which journal policy
 * applies (journal-policy.ts). `/proc/self/mountinfo` is read once per process, on the first
 * read-write open of a store (read-only opens, i.e. `models status`, never ask), and the policy
 * is cached per mount, so a gateway with many agents classifies each mount once.
 *
 * Where there is no mountinfo (macOS, BSDs, a container without /proc) the store is treated as
 * local (WAL): those platforms' network mounts cannot be told apart without a statfs binding
 * Node does not have, and refusing or downgrading every store there would punish the common case.
 */
import fs from 'node:fs'
import path from 'node:path'
import { type JournalPolicy, journalPolicy } from './journal-policy.ts'
import { type MountEntry, mountOf, parseMountinfo } from './mount-table.ts'

export const MOUNTINFO_PATH = '/proc/self/mountinfo'

export interface StoreFilesystem {
  policy: JournalPolicy
  /** The mount point holding the directory; undefined without mountinfo. */
  mountPoint?: string
  /** False where mountinfo could not be read (then the policy is WAL, see above). */
  known: boolean
}

const ASSUMED_LOCAL: StoreFilesystem = { policy: journalPolicy('ext4'), known: false }

/** undefined: not read yet; null: not available on this system. */
let table: MountEntry[] | null | undefined
const byMount = new Map<number, StoreFilesystem>()
/** Per directory as asked: a gateway re-opening an agent's store pays a map lookup. */
const byDir = new Map<string, StoreFilesystem>()

function mountTable(): MountEntry[] | null {
  if (table === undefined) {
    try {
      const entries = parseMountinfo(fs.readFileSync(MOUNTINFO_PATH, 'utf8'))
      table = entries.length > 0 ? entries : null
    } catch {
      table = null
    }
  }
  return table
}

/** The filesystem of `dir`, which may not exist yet (its nearest existing parent decides). */
export function storeFilesystem(dir: string): StoreFilesystem {
  let known = byDir.get(dir)
  if (!known) {
    known = classify(dir)
    // Bounded: a process opens stores in a handful of directories.
    if (byDir.size < 1024) byDir.set(dir, known)
  }
  return known
}

function classify(dir: string): StoreFilesystem {
  const entries = mountTable()
  if (entries === null) return ASSUMED_LOCAL
  const mount = mountOf(realpathOfNearest(path.resolve(dir)), entries)
  if (!mount) return ASSUMED_LOCAL
  let fsInfo = byMount.get(mount.id)
  if (!fsInfo) {
    fsInfo = { policy: journalPolicy(mount.fsType), mountPoint: mount.mountPoint, known: true }
    byMount.set(mount.id, fsInfo)
  }
  return fsInfo
}

/** Symlinks resolved (mountinfo lists real paths); a missing tail is kept as written. */
function realpathOfNearest(p: string): string {
  let cur = p
  const rest: string[] = []
  // stat without throwing: exceptions for each missing level cost more than the whole lookup.
  for (let i = 0; i < 256 && fs.statSync(cur, { throwIfNoEntry: false }) === undefined; i++) {
    const parent = path.dirname(cur)
    if (parent === cur) return p
    rest.push(path.basename(cur))
    cur = parent
  }
  try {
    return path.join(fs.realpathSync.native(cur), ...rest.reverse())
  } catch {
    return p
  }
}

/**
 * Tests only: classify against this mountinfo text instead of the real one (null: as if there
 * were no /proc; undefined: back to the real file). Clears the per-mount cache.
 */
export function overrideMountinfo(text: string | null | undefined): void {
  table = text === undefined ? undefined : text === null ? null : parseMountinfo(text)
  if (table !== undefined && table !== null && table.length === 0) table = null
  byMount.clear()
  byDir.clear()
}
