/**
 * B-07 worker, run inside `unshare -rm` after the state dir was bind-mounted read-only (EROFS,
 * which chmod cannot simulate for root). Runs the real CLI for a read and a write, and opens the
 * store both ways. argv: <home> <stateDir> <dbPath> <secret>
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CredentialStore } from '../../../dist/store/credential-store.js'
import { errorInfo, report } from './worker-lib.mjs'

const [home, stateDir, dbPath, secret] = process.argv.slice(2)
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/openclaw.js')
const env = {
  HOME: home,
  OPENCLAW_STATE_DIR: stateDir,
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  NO_COLOR: '1',
}
const cli = (args, input = '') => {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env,
    cwd: home,
    input,
    encoding: 'utf8',
    timeout: 15_000,
  })
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

const out = {}
out.status = cli(['models', 'status', '--json'])
out.list = cli(['models', 'auth', 'list', '--json'])
out.paste = cli(
  ['models', 'auth', 'paste-api-key', '--provider', 'openai', '--profile-id', 'openai:new'],
  `${secret}\n`,
)
try {
  CredentialStore.open(dbPath).close()
  out.write = { ok: true }
} catch (err) {
  out.write = errorInfo(err)
}
try {
  const s = CredentialStore.open(dbPath, { readonly: true })
  out.read = s.listProfiles().map((p) => p.id)
  s.close()
} catch (err) {
  out.read = errorInfo(err)
}
report(out)
