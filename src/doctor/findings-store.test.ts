import { describe, expect, it } from 'vitest'
import { computeFindings } from './findings.ts'
import type { DoctorState, StoreFileCheck } from './types.ts'

const STORE = '/s/agents/main/agent/openclaw-agent.sqlite'
const MiB = 1024 * 1024

function state(files: StoreFileCheck[]): DoctorState {
  return {
    now: 0,
    stateDir: '/s',
    configPath: '/s/openclaw.json',
    defaultAgentId: 'main',
    options: { deep: false, allowExec: false },
    config: { status: 'ok', warnings: [] },
    auth: [],
    modes: [],
    gateway: {
      url: 'http://127.0.0.1:18789',
      port: 18789,
      portSource: 'default',
      reachable: true,
      status: 200,
      requiresAuth: true,
    },
    legacy: { agents: [] },
    staleOrders: [],
    codexConfig: [],
    modelsJson: [],
    storeFiles: files,
  }
}

const file = (over: Partial<StoreFileCheck> = {}): StoreFileCheck => ({
  path: STORE,
  exists: true,
  fsType: 'ext4',
  mountPoint: '/',
  policy: 'wal',
  wal: { journalMode: 'wal', walBytes: 1 * MiB, frames: 200, checkpointed: 200 },
  limitBytes: 8 * MiB,
  starvedFrames: 1000,
  ...over,
})

const storeFindings = (files: StoreFileCheck[]) =>
  computeFindings(state(files)).filter((f) => f.id.startsWith('files.'))

describe('store file findings (B-08, B-11)', () => {
  it('a healthy WAL store says nothing', () => {
    expect(storeFindings([file()])).toEqual([])
    // A reader in the way of a few frames is an ordinary moment, not starvation.
    expect(
      storeFindings([
        file({ wal: { journalMode: 'wal', walBytes: 3 * MiB, frames: 900, checkpointed: 10 } }),
      ]),
    ).toEqual([])
  })

  it('starvation: warning with the numbers, the cause and what to run', () => {
    const [f] = storeFindings([
      file({ wal: { journalMode: 'wal', walBytes: 12 * MiB, frames: 3000, checkpointed: 25 } }),
    ])
    expect(f).toMatchObject({ id: `files.wal:${STORE}`, level: 'warning', area: 'files' })
    expect(f?.title).toContain('Checkpoint starvation')
    expect(f?.detail).toContain(
      'The WAL is 12.0 MiB (limit 8.0 MiB); 2975 of its 3000 frames could not be checkpointed',
    )
    expect(f?.fix?.command).toBe(`fuser -v ${STORE}`)
    expect(f?.fix?.description).toContain('openclaw gateway restart')
  })

  it('starved below the size limit is still starvation (frames past the autocheckpoint)', () => {
    const [f] = storeFindings([
      file({ wal: { journalMode: 'wal', walBytes: 5 * MiB, frames: 1288, checkpointed: 25 } }),
    ])
    expect(f?.level).toBe('warning')
  })

  it('oversized but caught up: info, shrinks with the next write', () => {
    const [f] = storeFindings([
      file({ wal: { journalMode: 'wal', walBytes: 12 * MiB, frames: 3000, checkpointed: 3000 } }),
    ])
    expect(f).toMatchObject({ id: `files.wal:${STORE}`, level: 'info' })
    expect(f?.detail).toContain('cut back to the limit by the next write')
  })

  it('network filesystem: info for a rollback-journal store, warning while it is still WAL', () => {
    const nfs = {
      fsType: 'nfs4',
      mountPoint: '/home',
      policy: 'delete' as const,
      policyReason: 'it is on a nfs4 filesystem, where ...',
    }
    const [ok] = storeFindings([
      file({ ...nfs, wal: { journalMode: 'delete', walBytes: 0, frames: 0, checkpointed: 0 } }),
    ])
    expect(ok).toMatchObject({ id: `files.journal-mode:${STORE}`, level: 'info' })
    expect(ok?.detail).toContain('nfs4')
    const [still] = storeFindings([file(nfs)])
    expect(still).toMatchObject({ id: `files.journal-mode:${STORE}`, level: 'warning' })
    expect(still?.title).toContain('still in WAL mode')
  })

  it('sshfs: error with the fix, even before the store exists', () => {
    const [f] = storeFindings([
      file({
        exists: false,
        fsType: 'fuse.sshfs',
        mountPoint: '/home/me',
        policy: 'refuse',
        policyReason: 'it is on sshfs',
        wal: undefined,
      }),
    ])
    expect(f).toMatchObject({ id: `files.unsupported-fs:${STORE}`, level: 'error' })
    expect(f?.fix?.description).toContain('OPENCLAW_STATE_DIR')
  })
})
