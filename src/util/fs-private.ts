/**
 * Private filesystem helpers: state dirs are 0700 and credential/config files 0600.
 * We only tighten modes on paths we own; a foreign owner is reported, never chmod-ed.
 */
import fs from 'node:fs'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** mkdir -p with 0700, then tighten the leaf if it exists with looser bits and we own it. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  tightenMode(dir, PRIVATE_DIR_MODE)
}

/** chmod to `mode` when the path is ours and has extra bits; returns true if it changed. */
export function tightenMode(path: string, mode: number): boolean {
  let st: fs.Stats
  try {
    st = fs.statSync(path)
  } catch {
    return false
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
  if (uid !== undefined && st.uid !== uid) return false
  if ((st.mode & 0o777 & ~mode) === 0) return false
  try {
    fs.chmodSync(path, mode)
    return true
  } catch {
    // Filesystems without chmod support (some network mounts): leave it; doctor reports modes.
    return false
  }
}

export function fileMode(path: string): number | undefined {
  try {
    return fs.statSync(path).mode & 0o777
  } catch {
    return undefined
  }
}
