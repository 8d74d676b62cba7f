/**
 * B-11: the filesystem classifier and journal policy, from fixture /proc/self/mountinfo lines
 * (the real kinds cannot be mounted on a test box without root).
 */
import { describe, expect, it } from 'vitest'
import { classifyFsType, journalPolicy } from './journal-policy.ts'
import { mountOf, parseMountinfo } from './mount-table.ts'

/** One line per kind, as the kernel prints them (optional fields vary: none, one, two). */
const MOUNTINFO_FIXTURE = [
  '27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard',
  '30 27 0:40 / /srv/xfs rw,relatime shared:12 - xfs /dev/sdb1 rw,attr2,inode64',
  '31 27 0:41 /@home /home rw,relatime shared:13 - btrfs /dev/sdc2 rw,space_cache=v2,subvol=/@home',
  '32 27 0:42 / /tmp rw,nosuid,nodev shared:14 - tmpfs tmpfs rw,size=4096k',
  '33 27 0:43 / /tank rw,xattr,noacl shared:15 - zfs tank/data rw,xattr,noacl',
  '34 27 0:44 / /var/lib/docker/overlay2/abc/merged rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w',
  '35 31 0:45 / /home/alice/nfs rw,relatime shared:20 - nfs4 server:/export/home rw,vers=4.2,rsize=1048576',
  '36 31 0:46 / /home/alice/win rw,relatime shared:21 master:3 - cifs //nas/share rw,vers=3.1.1',
  '37 31 0:47 / /home/alice/smb rw,relatime - smb3 //nas/other rw,vers=3.0',
  '38 27 0:48 / /mnt/host rw,relatime - 9p hostshare rw,trans=virtio',
  '39 27 0:49 / /mnt/vfs rw,relatime - virtiofs myfs rw',
  '40 31 0:50 / /home/alice/remote rw,nosuid,nodev,relatime - fuse.sshfs alice@box:/home/alice rw,user_id=1000',
  '41 31 0:51 / /home/alice/with\\040space rw,relatime - nfs server:/x rw',
  '42 27 0:52 / /mnt/odd rw,relatime - fuse.rclone remote: rw',
].join('\n')

const entries = parseMountinfo(MOUNTINFO_FIXTURE)
const policyAt = (p: string) => journalPolicy(mountOf(p, entries)?.fsType ?? '?')

describe('parseMountinfo', () => {
  it('reads id, mount point, type and source whatever the number of optional fields', () => {
    expect(entries).toHaveLength(14)
    expect(entries[0]).toEqual({ id: 27, mountPoint: '/', fsType: 'ext4', source: '/dev/vda' })
    expect(entries.find((e) => e.id === 36)).toEqual({
      id: 36,
      mountPoint: '/home/alice/win',
      fsType: 'cifs',
      source: '//nas/share',
    })
    expect(entries.find((e) => e.id === 41)?.mountPoint).toBe('/home/alice/with space')
  })

  it('skips blank, truncated and malformed lines instead of failing', () => {
    expect(parseMountinfo('\n\ngarbage\n12 1 0:1 / relative rw - ext4 x rw\n13 1 0:1 / /a rw -\n')).toEqual(
      [],
    )
  })
})

describe('mountOf', () => {
  it('picks the longest mount point that holds the path, not a sibling with the same prefix', () => {
    expect(mountOf('/home/alice/nfs/.openclaw/agents', entries)?.fsType).toBe('nfs4')
    expect(mountOf('/home/alice/nfsx/.openclaw', entries)?.fsType).toBe('btrfs')
    expect(mountOf('/home/alice/nfs', entries)?.fsType).toBe('nfs4')
    expect(mountOf('/opt/x', entries)?.fsType).toBe('ext4')
  })

  it('a later mount over the same point hides the earlier one', () => {
    const over = parseMountinfo(`${MOUNTINFO_FIXTURE}\n50 32 0:60 / /tmp rw - nfs4 srv:/tmp rw`)
    expect(mountOf('/tmp/a', over)?.fsType).toBe('nfs4')
  })
})

describe('journal policy per filesystem', () => {
  const cases: Array<[string, string, string]> = [
    ['/root/.openclaw', 'ext4', 'wal'],
    ['/srv/xfs/state', 'xfs', 'wal'],
    ['/home/bob/.openclaw', 'btrfs', 'wal'],
    ['/tmp/state', 'tmpfs', 'wal'],
    ['/tank/openclaw', 'zfs', 'wal'],
    ['/var/lib/docker/overlay2/abc/merged/root/.openclaw', 'overlay', 'wal'],
    ['/home/alice/nfs/.openclaw', 'nfs4', 'delete'],
    ['/home/alice/win/.openclaw', 'cifs', 'delete'],
    ['/home/alice/smb/.openclaw', 'smb3', 'delete'],
    ['/mnt/host/.openclaw', '9p', 'delete'],
    ['/mnt/vfs/.openclaw', 'virtiofs', 'delete'],
    ['/home/alice/remote/.openclaw', 'fuse.sshfs', 'refuse'],
    ['/home/alice/with space/.openclaw', 'nfs', 'delete'],
    ['/mnt/odd/.openclaw', 'fuse.rclone', 'delete'],
  ]
  for (const [p, fsType, mode] of cases) {
    it(`${fsType} (${p}) -> ${mode}`, () => {
      const policy = policyAt(p)
      expect(policy.fsType).toBe(fsType)
      expect(policy.mode).toBe(mode)
    })
  }

  it('says why: network, unknown and sshfs each with their reason', () => {
    const nfs = journalPolicy('nfs4')
    expect(nfs).toMatchObject({ mode: 'delete', fsClass: 'network' })
    expect(nfs.mode === 'delete' && nfs.reason).toContain('nfs4 filesystem')
    expect(nfs.mode === 'delete' && nfs.reason).toContain('rollback journal')
    const odd = journalPolicy('fuse.rclone')
    expect(odd).toMatchObject({ mode: 'delete', fsClass: 'unknown' })
    expect(odd.mode === 'delete' && odd.reason).toContain('not one openclaw knows to be local')
    const ssh = journalPolicy('fuse.sshfs')
    expect(ssh.mode === 'refuse' && ssh.reason).toContain('sshfs')
  })

  it('classifies every nfs and smb variant as network and ignores case', () => {
    for (const t of ['nfs', 'nfs4', 'NFS4', 'smb', 'smb2', 'smb3', 'smbfs', 'cifs', '9p', 'virtiofs'])
      expect(classifyFsType(t), t).toBe('network')
    expect(classifyFsType('sshfs')).toBe('sshfs')
    expect(classifyFsType('ext4')).toBe('local')
    expect(classifyFsType('fuse.gocryptfs')).toBe('unknown')
  })
})
