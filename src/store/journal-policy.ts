/**
 * B-11: which journal mode a store may use on the filesystem holding it (security 1.7, the
 * policy OpenClaw applies). Pure: the filesystem type comes from store-filesystem.ts.
 *
 * WAL keeps its index in a shared-memory file (`-shm`, mmap-ed) that every connection must see
 * coherently; network and host-shared filesystems do not give that across machines (or across
 * the VM boundary for 9p/virtiofs), and SQLite's docs say WAL does not work over them. A
 * rollback journal only needs POSIX locks, which NFSv4/SMB do provide. sshfs provides neither
 * reliable locks nor coherent mmap, so nothing is safe there.
 */

export type FsClass = 'local' | 'network' | 'sshfs' | 'unknown'

export type JournalPolicy =
  | { mode: 'wal'; fsClass: 'local'; fsType: string }
  | { mode: 'delete'; fsClass: 'network' | 'unknown'; fsType: string; reason: string }
  | { mode: 'refuse'; fsClass: 'sshfs'; fsType: string; reason: string }

/** Local disk filesystems and the in-memory/stacked ones used in containers. */
const LOCAL = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'zfs',
  'f2fs',
  'jfs',
  'reiserfs',
  'bcachefs',
  'nilfs2',
  'tmpfs',
  'ramfs',
  'overlay',
  'vfat',
  'exfat',
  'ntfs3',
  'apfs',
  'hfs',
  'hfsplus',
])

const NETWORK_EXACT = new Set([
  'cifs',
  '9p',
  'virtiofs',
  'ceph',
  'glusterfs',
  'fuse.glusterfs',
  'lustre',
  'afs',
])

export function classifyFsType(fsType: string): FsClass {
  const t = fsType.toLowerCase()
  if (t === 'fuse.sshfs' || t === 'sshfs') return 'sshfs'
  if (LOCAL.has(t)) return 'local'
  if (t.startsWith('nfs') || t.startsWith('smb') || NETWORK_EXACT.has(t)) return 'network'
  return 'unknown'
}

export function journalPolicy(fsType: string): JournalPolicy {
  const fsClass = classifyFsType(fsType)
  switch (fsClass) {
    case 'local':
      return { mode: 'wal', fsClass, fsType }
    case 'network':
      return {
        mode: 'delete',
        fsClass,
        fsType,
        reason: `it is on a ${fsType} filesystem, where WAL's shared-memory index is not coherent between machines (SQLite: WAL does not work over a network filesystem); using a rollback journal instead`,
      }
    case 'sshfs':
      return {
        mode: 'refuse',
        fsClass,
        fsType,
        reason: `it is on sshfs (${fsType}), which gives SQLite neither reliable locks nor a coherent shared-memory index: credentials written there can be lost or corrupted`,
      }
    default:
      return {
        mode: 'delete',
        fsClass: 'unknown',
        fsType,
        reason: `its filesystem type ${fsType} is not one openclaw knows to be local; using a rollback journal, which needs only file locks, instead of WAL`,
      }
  }
}
