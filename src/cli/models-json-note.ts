/**
 * `models status` beside a models.json the gateway does not read (seed 001 allows endpoints
 * there; we read openclaw.json only): one stderr line per file, so an operator who wrote
 * endpoints into it learns why they are not used. Two existsSync calls; no parsing on this path.
 */
import fs from 'node:fs'
import path from 'node:path'

export function modelsJsonNotes(stateDir: string, agentDir: string): string[] {
  const out: string[] = []
  for (const dir of new Set([stateDir, agentDir])) {
    const file = path.join(dir, 'models.json')
    if (fs.existsSync(file))
      out.push(
        `note: ${file} is not read; provider endpoints come from openclaw.json only. See: openclaw doctor (--fix moves its providers into openclaw.json)`,
      )
  }
  return out
}
