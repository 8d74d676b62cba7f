/**
 * "Store still healthy" (catalogue 2.0, point 4): reopen succeeds, integrity_check = ok, journal
 * mode as configured, dir 0700 / files 0600, and nothing was silently quarantined.
 */
import fs from 'node:fs'
import path from 'node:path'
import { CredentialStore } from '../../../src/store/credential-store.ts'
import { openRawDatabase } from '../../../src/store/db.ts'

export interface StoreHealth {
  integrity: string
  journalMode: string
  dirMode: number
  fileMode: number
  /** `.corrupt-*` files next to the store (a healthy run has none). */
  quarantined: string[]
}

export function storeHealth(dbPath: string): StoreHealth {
  // A read-write open replays a WAL left by a killed writer, exactly as the product would.
  CredentialStore.open(dbPath).close()
  const raw = openRawDatabase(dbPath, { readonly: true })
  try {
    return {
      integrity: String(raw.pragma('integrity_check', { simple: true })),
      journalMode: String(raw.pragma('journal_mode', { simple: true })),
      dirMode: fs.statSync(path.dirname(dbPath)).mode & 0o777,
      fileMode: fs.statSync(dbPath).mode & 0o777,
      quarantined: fs.readdirSync(path.dirname(dbPath)).filter((f) => f.includes('.corrupt-')),
    }
  } finally {
    raw.close()
  }
}

export const HEALTHY: StoreHealth = {
  integrity: 'ok',
  journalMode: 'wal',
  dirMode: 0o700,
  fileMode: 0o600,
  quarantined: [],
}
