/**
 * B-02 backup kill points: runs the product's backup (the function `openclaw backup` runs) of
 * every agent of <stateDir> into <outDir> with small copy steps, announces a marker at the
 * chosen point and blocks there (Atomics.wait) until the parent SIGKILLs the process group.
 * argv: <point> <stateDir> <outDir>
 *   mid-copy        inside the copy of the agent `work` (the stores before it are complete
 *                   in the partial dir, this one is half copied)
 *   before-publish  every file copied and fsync-ed, the manifest written, before the rename
 */
import { backupSources } from '../../../dist/backup/backup-sources.js'
import { runBackup } from '../../../dist/backup/run-backup.js'
import { block, marker } from './worker-lib.mjs'

const [point, stateDir, outDir] = process.argv.slice(2)
const HOLD_MS = 30_000

const { sources } = backupSources({ OPENCLAW_STATE_DIR: stateDir, HOME: stateDir }, undefined)
await runBackup({
  sources,
  outDir,
  now: Date.now(),
  stepPages: 2,
  hooks: {
    progress: (p) => {
      if (point === 'mid-copy' && p.agentId === 'work' && p.remainingPages < p.totalPages) {
        marker('mid-copy', { agentId: p.agentId, remainingPages: p.remainingPages, totalPages: p.totalPages })
        block(HOLD_MS)
      }
    },
    beforePublish: ({ partialDir }) => {
      if (point === 'before-publish') {
        marker('before-publish', { partialDir })
        block(HOLD_MS)
      }
    },
  },
})
marker('published')
