/**
 * Exec provider command policy (R5, D-EXEC-10/11), checked before every spawn: an absolute
 * path (no PATH lookup, so a same-named binary earlier in PATH is never used), not a symlink,
 * a regular executable file owned by us and not group/world-writable, in a directory that is
 * not world-writable, and inside `trustedDirs` when those are configured.
 */
import fs from 'node:fs'
import path from 'node:path'

export function execCommandViolation(command: string, trustedDirs?: readonly string[]): string | undefined {
  if (process.platform === 'win32') {
    return 'command permissions cannot be verified on Windows, so exec providers are refused'
  }
  if (!path.isAbsolute(command)) return `command ${command} is not an absolute path (no PATH lookup is done)`
  let st: fs.Stats
  try {
    st = fs.lstatSync(command)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return `command ${command} cannot be inspected (${code === 'ENOENT' ? 'no such file' : code})`
  }
  if (st.isSymbolicLink()) return `command ${command} is a symlink (refused; configure the real path)`
  if (!st.isFile()) return `command ${command} is not a regular file`
  const uid = process.getuid?.()
  if (uid !== undefined && st.uid !== uid)
    return `command ${command} is not owned by you (owner uid ${st.uid})`
  if ((st.mode & 0o022) !== 0) {
    return `command ${command} is group- or world-writable (${octal(st.mode)}); run: chmod go-w ${command}`
  }
  if ((st.mode & 0o100) === 0) return `command ${command} is not executable (${octal(st.mode)})`
  const dir = path.dirname(command)
  try {
    const dst = fs.statSync(dir)
    if ((dst.mode & 0o002) !== 0) return `command ${command} is in a world-writable directory (${dir})`
  } catch {
    return `the directory of command ${command} cannot be inspected`
  }
  if (trustedDirs && trustedDirs.length > 0) {
    const realDir = realOrSelf(dir)
    const inside = trustedDirs.some((t) => {
      const root = realOrSelf(t)
      return realDir === root || realDir.startsWith(root.endsWith('/') ? root : `${root}/`)
    })
    if (!inside) return `command ${command} is outside trustedDirs`
  }
  return undefined
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p)
  } catch {
    return path.resolve(p)
  }
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0')
}
