/**
 * Opens the authorize URL in a browser when this looks like a desktop session. Best effort and
 * silent on failure: the URL is always printed too. Never on headless hosts (no DISPLAY), in
 * CI, or with OPENCLAW_NO_BROWSER=1 / BROWSER=none.
 */
import { spawn } from 'node:child_process'

type Env = Readonly<Record<string, string | undefined>>

export function browserOpener(env: Env, isTTY: boolean): ((url: string) => void) | undefined {
  if (!isTTY || env.OPENCLAW_NO_BROWSER === '1' || env.BROWSER === 'none' || env.CI) return undefined
  const cmd =
    process.platform === 'darwin'
      ? 'open'
      : process.platform === 'linux' && (env.DISPLAY || env.WAYLAND_DISPLAY)
        ? 'xdg-open'
        : undefined
  if (!cmd) return undefined
  return (url) => {
    try {
      const child = spawn(cmd, [url], { stdio: 'ignore', detached: true })
      child.on('error', () => {})
      child.unref()
    } catch {
      // The printed URL is the fallback.
    }
  }
}
