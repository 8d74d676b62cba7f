/**
 * Findings about the store files themselves: checkpoint starvation and an oversized WAL
 * (B-08), and the journal mode their filesystem allows (B-11). Pure.
 */
import type { DoctorState, Finding, StoreFileCheck } from './types.ts'

const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`

export function storeFileFindings(s: DoctorState): Finding[] {
  return s.storeFiles.flatMap((f) => [...filesystemFindings(f), ...walFindings(f)])
}

function filesystemFindings(f: StoreFileCheck): Finding[] {
  const on = f.mountPoint ? ` (mount ${f.mountPoint})` : ''
  if (f.policy === 'refuse') {
    return [
      {
        id: `files.unsupported-fs:${f.path}`,
        area: 'files',
        level: 'error',
        title: `Credential store ${f.path} is on ${f.fsType ?? 'an unsupported filesystem'}${on}: openclaw refuses to write it`,
        detail: `${f.policyReason ?? ''}.`,
        fix: {
          description:
            'move the state dir to a local disk and point OPENCLAW_STATE_DIR at it (or OPENCLAW_AGENT_DIR for one agent)',
          automatic: false,
        },
      },
    ]
  }
  if (f.policy !== 'delete' || !f.exists) return []
  if (f.wal?.journalMode === 'wal') {
    return [
      {
        id: `files.journal-mode:${f.path}`,
        area: 'files',
        level: 'warning',
        title: `Credential store ${f.path} is on ${f.fsType}${on} but still in WAL mode`,
        detail: `${f.policyReason}. It switches on the next write by an openclaw command while no other process has it open.`,
        fix: {
          description: 'stop the gateway, run any command that saves credentials (or restart the gateway)',
          automatic: false,
        },
      },
    ]
  }
  return [
    {
      id: `files.journal-mode:${f.path}`,
      area: 'files',
      level: 'info',
      title: `Credential store ${f.path} uses a rollback journal`,
      detail: `Because ${f.policyReason}${on}.`,
    },
  ]
}

function walFindings(f: StoreFileCheck): Finding[] {
  const w = f.wal
  if (w?.journalMode !== 'wal') return []
  const stuck = w.frames - w.checkpointed
  const starved = stuck >= f.starvedFrames
  const oversized = w.walBytes > f.limitBytes
  if (!starved && !oversized) return []
  const facts = `The WAL is ${mb(w.walBytes)} (limit ${mb(f.limitBytes)}); ${stuck} of its ${w.frames} frames could not be checkpointed into the store.`
  if (!starved) {
    return [
      {
        id: `files.wal:${f.path}`,
        area: 'files',
        level: 'info',
        title: `WAL of ${f.path} is larger than its limit, but checkpoints have caught up`,
        detail: `${facts} It is cut back to the limit by the next write.`,
      },
    ]
  }
  return [
    {
      id: `files.wal:${f.path}`,
      area: 'files',
      level: 'warning',
      title: `Checkpoint starvation: a long-running reader keeps the WAL of ${f.path} from being checkpointed`,
      detail: `${facts} Some process has held one read transaction on the store for a long time (a stuck gateway request, a sqlite3 shell or backup tool left open), so the WAL grows with every write. Nothing is lost; reads get slower and the file keeps growing until that reader ends.`,
      fix: {
        command: `fuser -v ${shellQuote(f.path)}`,
        description:
          'find the process holding the store open and end its read (close the sqlite3 shell, or restart the gateway: openclaw gateway restart); the next write then checkpoints and shrinks the WAL',
        automatic: false,
      },
    },
  ]
}

function shellQuote(p: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`
}
