/**
 * File and directory modes of everything that holds or leads to credentials: the state dir,
 * config (and its backups), .env, agent dirs, stores with their -wal/-shm, legacy files.
 * Existing paths only; symlinks are judged by their target, ownership is recorded so the
 * fixer never chmods someone else's file.
 */
import fs from 'node:fs'
import path from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../util/fs-private.ts'
import type { ModeCheck } from './types.ts'

export interface ModePaths {
  stateDir: string
  configPath: string
  agentDirs: string[]
  extraFiles?: string[]
}

export function gatherModes(p: ModePaths): ModeCheck[] {
  const out: ModeCheck[] = []
  const seen = new Set<string>()
  const add = (file: string, kind: 'dir' | 'file') => {
    const abs = path.resolve(file)
    if (seen.has(abs)) return
    let st: fs.Stats
    try {
      st = fs.statSync(abs)
    } catch {
      return
    }
    if (kind === 'dir' ? !st.isDirectory() : !st.isFile()) return
    seen.add(abs)
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
    out.push({
      path: abs,
      kind,
      mode: st.mode & 0o777,
      expected: kind === 'dir' ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE,
      ownedByUser: uid === undefined || st.uid === uid,
      ...(uid !== undefined ? { ownerUid: st.uid, userUid: uid } : {}),
    })
  }
  add(p.stateDir, 'dir')
  add(p.configPath, 'file')
  for (const f of listDir(path.dirname(p.configPath))) {
    if (f.startsWith(`${path.basename(p.configPath)}.bak`))
      add(path.join(path.dirname(p.configPath), f), 'file')
  }
  add(path.join(p.stateDir, '.env'), 'file')
  add(path.join(p.stateDir, 'agents'), 'dir')
  add(path.join(p.stateDir, 'credentials'), 'dir')
  add(path.join(p.stateDir, 'credentials', 'oauth.json'), 'file')
  for (const dir of p.agentDirs) {
    add(path.dirname(dir), 'dir')
    add(dir, 'dir')
    for (const f of listDir(dir)) {
      // Stores, their sidecars and archives, legacy JSON files: all credential-bearing.
      if (/\.(sqlite|json)/.test(f) || /-(wal|shm|journal)$/.test(f)) add(path.join(dir, f), 'file')
    }
  }
  for (const f of p.extraFiles ?? []) add(f, 'file')
  return out
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort()
  } catch {
    return []
  }
}
