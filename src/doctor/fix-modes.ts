/**
 * chmod 600/700 for the modes doctor flagged, only on paths owned by the current user.
 */
import fs from 'node:fs'
import type { ModeCheck } from './types.ts'

export function fixModes(modes: readonly ModeCheck[]): { fixed: string[]; failed: string[] } {
  const fixed: string[] = []
  const failed: string[] = []
  for (const m of modes) {
    if ((m.mode & 0o777 & ~m.expected) === 0 || !m.ownedByUser) continue
    try {
      fs.chmodSync(m.path, m.expected)
      fixed.push(`chmod ${m.expected.toString(8)} ${m.path}`)
    } catch (err) {
      failed.push(
        `chmod ${m.expected.toString(8)} ${m.path}: ${(err as NodeJS.ErrnoException).code ?? 'failed'}`,
      )
    }
  }
  return { fixed, failed }
}
