/**
 * A-04: credential paths (state dir, agent dir, store, config) owned by another uid. They are
 * never chmod-ed behind their owner's back (fs-private.ts), so the user is told instead: that
 * owner can read or replace the credentials, and the usual cause, a `sudo openclaw` run,
 * leaves root-owned files the normal user can no longer write. One stat per existing path.
 */
import fs from 'node:fs'
import type { AgentPaths } from '../config/paths.ts'

export interface OwnedPath {
  path: string
  /** e.g. `state dir`, `credential store`. */
  what: string
}

export interface ForeignOwned extends OwnedPath {
  uid: number
}

export function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined
}

/** What a foreign owner could read or swap for one agent; checked by every command and the gateway. */
export function agentCredentialPaths(
  p: Pick<AgentPaths, 'stateDir' | 'configPath' | 'agentDir' | 'storePath'>,
): OwnedPath[] {
  return [
    { path: p.stateDir, what: 'state dir' },
    { path: p.configPath, what: 'config' },
    { path: p.agentDir, what: 'agent dir' },
    { path: p.storePath, what: 'credential store' },
  ]
}

/** The existing paths among `paths` whose owner is not `uid` (nothing on platforms without uids). */
export function foreignOwned(paths: readonly OwnedPath[], uid = currentUid()): ForeignOwned[] {
  if (uid === undefined) return []
  const out: ForeignOwned[] = []
  const seen = new Set<string>()
  for (const p of paths) {
    if (seen.has(p.path)) continue
    seen.add(p.path)
    let owner: number
    try {
      owner = fs.statSync(p.path).uid
    } catch {
      continue
    }
    if (owner !== uid) out.push({ ...p, uid: owner })
  }
  return out
}

export const FOREIGN_OWNER_RISK =
  'openclaw does not change its mode, and that user can read or replace the credentials in it (a `sudo openclaw` run leaves such files behind)'

export function chownCommand(path: string, uid: number): string {
  return `sudo chown -R ${uid} ${quote(path)}`
}

/** One line for stderr or a log, with the fix; only paths and uids, never contents. */
export function foreignOwnerMessage(f: ForeignOwned, uid: number): string {
  return `${f.what} ${f.path} is owned by uid ${f.uid}, not by you (uid ${uid}): ${FOREIGN_OWNER_RISK}. Fix: ${chownCommand(f.path, uid)}, or run openclaw as uid ${f.uid}.`
}

function quote(p: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`
}
