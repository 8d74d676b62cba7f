/** Temp-dir fixtures for store tests: real files, cleaned up after each test. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Credential } from '../auth/types.ts'

const created: string[] = []

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-store-'))
  created.push(dir)
  return dir
}

/** A store path inside a not-yet-existing agent dir, as a first run sees it. */
export function tempStorePath(): string {
  return path.join(tempDir(), 'agents', 'main', 'agent', 'openclaw-agent.sqlite')
}

export function cleanupTempDirs(): void {
  for (const dir of created.splice(0)) {
    // A test may have made the dir read-only; restore so rmSync can clear it.
    try {
      fs.chmodSync(dir, 0o700)
    } catch {}
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export function apiKey(provider: string, key: string): Credential {
  return { type: 'api_key', provider, key }
}

export function listDir(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []
}
