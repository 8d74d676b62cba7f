/**
 * Drives a command in a real terminal: a private tmux server (own socket, so nothing touches a
 * developer's sessions), send-keys for input, capture-pane for what a person would see. Waiting
 * is "until this text is on screen" with a deadline, never a fixed sleep.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface TmuxSession {
  send(...keys: string[]): void
  /** Types text literally (no key-name interpretation). */
  type(text: string): void
  screen(): string
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>
  kill(): void
}

export function tmuxAvailable(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function startTmux(command: string[], env: Record<string, string>, cwd: string): TmuxSession {
  const socket = `openclaw-test-${randomUUID().slice(0, 8)}`
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-tmux-')), 'run.sh')
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  const exports = Object.entries(env)
    .map(([k, v]) => `export ${k}=${q(v)}`)
    .join('\n')
  // `read` keeps the pane open after the command so its last screen can be captured.
  fs.writeFileSync(
    script,
    `${exports}\ncd ${q(cwd)}\n${command.map(q).join(' ')}\necho "EXIT=$?"\nread _\n`,
    { mode: 0o700 },
  )
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
  tmux('new-session', '-d', '-s', 'main', '-x', '120', '-y', '50', `sh ${q(script)}`)
  const screen = () => tmux('capture-pane', '-p', '-t', 'main', '-S', '-200')
  return {
    send: (...keys) => {
      tmux('send-keys', '-t', 'main', ...keys)
    },
    type: (text) => {
      tmux('send-keys', '-t', 'main', '-l', text)
    },
    screen,
    async waitFor(text, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const s = screen()
        if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${s}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    kill: () => {
      try {
        tmux('kill-server')
      } catch {}
      fs.rmSync(path.dirname(script), { recursive: true, force: true })
    },
  }
}
