/**
 * Runtime guard (auth-spec 5.1, lessons 2.12): an agent whose store is EMPTY while
 * credential-bearing legacy files exist must fail closed with AUTH_PROFILE_MIGRATION_REQUIRED
 * instead of quietly using env keys the user never meant to use. A non-empty store wins (the
 * files are then leftovers doctor reports). Cheap: the files are only looked at when the
 * store has no profiles, so callers may run it at every credential boundary.
 */
import fs from 'node:fs'
import path from 'node:path'
import { OpenclawError } from '../errors.ts'
import { bearsCredentials, type DocKind, parseLegacyText } from './legacy-doc.ts'
import {
  AUTH_JSON_FILE,
  AUTH_PROFILES_FILE,
  AUTH_STATE_FILE,
  oauthJsonPath,
  pendingOpenclawStores,
} from './legacy-files.ts'
import { readLegacyFile } from './read-legacy-file.ts'

export const MIGRATION_REQUIRED_CODE = 'AUTH_PROFILE_MIGRATION_REQUIRED'
export const MIGRATION_COMMAND = 'openclaw doctor --fix'

export type LegacyFileKind = DocKind | 'openclaw-store-pending'

export interface LegacyFileInfo {
  path: string
  kind: LegacyFileKind
  credentialBearing: boolean
}

export interface LegacyLocation {
  agentDir: string
  stateDir: string
  /** Only the default agent owns `<state>/credentials/oauth.json`. */
  isDefaultAgent: boolean
}

/** Every legacy auth file of one agent that still waits for `doctor --fix`. */
export function findLegacyAuthFiles(loc: LegacyLocation): LegacyFileInfo[] {
  const out: LegacyFileInfo[] = []
  const add = (file: string, kind: DocKind) => {
    if (!fs.existsSync(file)) return
    out.push({
      path: file,
      kind,
      credentialBearing: kind !== 'auth-state' && fileBearsCredentials(file, kind),
    })
  }
  add(path.join(loc.agentDir, AUTH_PROFILES_FILE), 'auth-profiles')
  add(path.join(loc.agentDir, AUTH_JSON_FILE), 'auth-json')
  add(path.join(loc.agentDir, AUTH_STATE_FILE), 'auth-state')
  if (loc.isDefaultAgent) add(oauthJsonPath(loc.stateDir), 'oauth-json')
  // An interrupted OpenClaw-store import: the credentials are neither here nor there yet.
  for (const p of pendingOpenclawStores(loc.agentDir))
    out.push({ path: p, kind: 'openclaw-store-pending', credentialBearing: true })
  return out
}

function fileBearsCredentials(file: string, kind: DocKind): boolean {
  const read = readLegacyFile(file)
  // Too large or unreadable: it may hold credentials; failing closed is the safe reading.
  if (!read.ok) return read.failure !== 'missing'
  return bearsCredentials(parseLegacyText(read.text, kind))
}

/** Pure decision: the error to fail with, or undefined when the agent may run. */
export function migrationGuardError(
  agentId: string,
  storeProfileCount: number,
  files: readonly LegacyFileInfo[],
): OpenclawError | undefined {
  if (storeProfileCount > 0) return undefined
  const bearing = files.filter((f) => f.credentialBearing)
  if (bearing.length === 0) return undefined
  return new OpenclawError(
    'auth_profile_migration_required',
    `${MIGRATION_REQUIRED_CODE}: agent "${agentId}" has legacy auth files (${bearing.map((f) => path.basename(f.path)).join(', ')}) but an empty credential store; refusing to fall back to other credentials until they are imported.`,
    {
      hint: `Run: ${MIGRATION_COMMAND}`,
      httpStatus: 503,
      details: {
        code: MIGRATION_REQUIRED_CODE,
        agentId,
        files: bearing.map((f) => f.path),
        command: MIGRATION_COMMAND,
      },
    },
  )
}

/**
 * The one call for runtimes (CLI and gateway). `storeProfileCount` is the number of profiles
 * in the agent's OWN store; pass 0 when the store file does not exist.
 */
export function checkMigrationGuard(
  agentId: string,
  storeProfileCount: number,
  loc: LegacyLocation,
): OpenclawError | undefined {
  if (storeProfileCount > 0) return undefined
  return migrationGuardError(agentId, storeProfileCount, findLegacyAuthFiles(loc))
}
