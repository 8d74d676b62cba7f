/**
 * Journal mode and WAL of every store (B-08, B-11): the filesystem policy of its directory,
 * and one passive checkpoint to see whether a reader starves checkpoints. Gathered only by
 * doctor: a normal command never pays for the checkpoint probe.
 */

import fs from 'node:fs'
import path from 'node:path'
import { AUTOCHECKPOINT_PAGES, inspectWal, JOURNAL_SIZE_LIMIT_BYTES } from '../store/db.ts'
import { storeFilesystem } from '../store/store-filesystem.ts'
import type { StoreFileCheck } from './types.ts'

export function gatherStoreFiles(storePaths: readonly string[]): StoreFileCheck[] {
  const out: StoreFileCheck[] = []
  for (const p of new Set(storePaths)) {
    const fsInfo = storeFilesystem(path.dirname(p))
    const policy = fsInfo.policy
    const exists = fs.existsSync(p)
    const wal = exists && policy.mode !== 'refuse' ? inspectWal(p) : undefined
    out.push({
      path: p,
      exists,
      ...(fsInfo.known ? { fsType: policy.fsType } : {}),
      ...(fsInfo.mountPoint ? { mountPoint: fsInfo.mountPoint } : {}),
      policy: policy.mode,
      ...(policy.mode !== 'wal' ? { policyReason: policy.reason } : {}),
      ...(wal ? { wal } : {}),
      limitBytes: JOURNAL_SIZE_LIMIT_BYTES,
      starvedFrames: AUTOCHECKPOINT_PAGES,
    })
  }
  return out
}
