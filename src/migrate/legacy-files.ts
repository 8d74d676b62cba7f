/**
 * Names and places of the retired auth files (auth-spec 1.10). Kept free of heavy imports:
 * the runtime guard loads this on every command.
 */
import fs from 'node:fs'
import path from 'node:path'
import { STORE_FILE_NAME } from '../config/paths.ts'

export const AUTH_PROFILES_FILE = 'auth-profiles.json'
export const AUTH_JSON_FILE = 'auth.json'
export const AUTH_STATE_FILE = 'auth-state.json'

/** Larger files are refused untouched; real auth files are a few KB. */
export const MAX_LEGACY_FILE_BYTES = 16 * 1024 * 1024

export function oauthJsonPath(stateDir: string): string {
  return path.join(stateDir, 'credentials', 'oauth.json')
}

const PENDING_RE = new RegExp(`^${STORE_FILE_NAME.replace(/\./g, '\\.')}\\.migrating-.+$`)
const COMPANION_RE = /-(wal|shm|journal)$/

/** `.migrating-*` OpenClaw stores left by an interrupted import, oldest first. */
export function pendingOpenclawStores(agentDir: string): string[] {
  let names: string[]
  try {
    names = fs.readdirSync(agentDir)
  } catch {
    return []
  }
  return names
    .filter((n) => PENDING_RE.test(n) && !COMPANION_RE.test(n))
    .sort()
    .map((n) => path.join(agentDir, n))
}
