/**
 * Finding a legacy `~/.clawdbot` state dir and what its `.env` sets, without loading the
 * migrations: `models status` (the cron path) asks this when it found no credentials.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseDotenv } from '../env/dotenv.ts'
import { MAX_LEGACY_FILE_BYTES } from './legacy-files.ts'

export const CLAWDBOT_DIR_NAME = '.clawdbot'

/** The legacy dir, when it exists and is not the current state dir itself. */
export function findClawdbotDir(home: string, stateDir: string): string | undefined {
  const dir = path.join(home, CLAWDBOT_DIR_NAME)
  try {
    if (!fs.statSync(dir).isDirectory()) return undefined
  } catch {
    return undefined
  }
  return path.resolve(dir) === path.resolve(stateDir) ? undefined : dir
}

/** A regular file of at most 16 MiB, else undefined. */
export function readSmallFile(file: string): string | undefined {
  try {
    const st = fs.statSync(file)
    if (!st.isFile() || st.size > MAX_LEGACY_FILE_BYTES) return undefined
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** Names (never values) of the non-empty entries a legacy `.env` sets; undefined when none. */
export function legacyDotenvNames(file: string): string[] | undefined {
  const text = readSmallFile(file)
  if (text === undefined) return undefined
  const names = Object.entries(parseDotenv(text))
    .filter(([, v]) => v !== '')
    .map(([k]) => k)
  return names.length ? names : undefined
}
