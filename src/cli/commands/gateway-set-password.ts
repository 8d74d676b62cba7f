/**
 * `openclaw gateway set-password [--json]`: reads the gateway password from stdin or a hidden
 * prompt (twice on a terminal), stores only its scrypt hash as `gateway.auth.passwordHash` and
 * removes `gateway.auth.password` (F-14). The write goes through the validated, locked, atomic
 * config writer; the `.bak` copies it rotates are then rewritten the same way, since a backup
 * still holding the plaintext would defeat the point. A running gateway picks the change up
 * through its config watch.
 */
import fs from 'node:fs'
import { normalizeSecretInput } from '../../auth/secret-input.ts'
import { parseConfigText } from '../../config/load.ts'
import { withLock } from '../../config/lock.ts'
import { objectAt } from '../../config/object-at.ts'
import {
  backupPaths,
  handWrittenCopies,
  lockPathFor,
  serializeConfig,
  updateConfig,
} from '../../config/write.ts'
import { EXIT, OpenclawError } from '../../errors.ts'
import { hashPassword } from '../../gateway/auth/password-hash.ts'
import { AgentRuntime } from '../../runtime/agent-runtime.ts'
import { resolveWriteTarget, writeFileAtomic } from '../../util/atomic-write.ts'
import { PRIVATE_FILE_MODE } from '../../util/fs-private.ts'
import { type CommandContext, out, printJson } from '../context.ts'
import { boolOpt } from '../parse-args.ts'
import { readSecret } from '../read-secret.ts'

const MIN_LENGTH = 8
const LABEL = 'the gateway password'

export async function run(ctx: CommandContext): Promise<number> {
  // Open (and validate) the config before asking for anything.
  const runtime = AgentRuntime.open({ env: ctx.env, cwd: ctx.cwd })
  const configPath = runtime.paths.configPath
  const env = runtime.env.values
  runtime.close()
  const password = await readPassword(ctx)
  const passwordHash = await hashPassword(password)
  let previousMode: unknown
  let removedPlaintext = false
  updateConfig(configPath, env, (raw) => {
    const gateway = objectAt(raw, 'gateway')
    const auth = objectAt(gateway, 'auth')
    previousMode = auth.mode
    removedPlaintext = auth.password !== undefined
    delete auth.password
    auth.passwordHash = passwordHash
    // trusted-proxy keeps its mode: there the password serves direct internal callers.
    if (auth.mode !== 'trusted-proxy') auth.mode = 'password'
  })
  const scrubbed = withLock(lockPathFor(configPath), () => scrubBackups(configPath, passwordHash), {
    label: configPath,
  })
  const mode = previousMode === 'trusted-proxy' ? 'trusted-proxy' : 'password'
  if (boolOpt(ctx.parsed, 'json')) {
    printJson(ctx, { configPath, passwordHash: 'set', mode, removedPlaintext, scrubbedBackups: scrubbed })
    return EXIT.ok
  }
  out(ctx, `Stored a scrypt hash of the gateway password in ${configPath} (gateway.auth.passwordHash).`)
  if (removedPlaintext) out(ctx, 'Removed gateway.auth.password from the config.')
  if (scrubbed > 0) out(ctx, `Removed the old password from ${scrubbed} backup file(s) as well.`)
  if (previousMode !== undefined && previousMode !== mode)
    out(ctx, `gateway.auth.mode is now "${mode}" (was "${String(previousMode)}").`)
  out(
    ctx,
    'Clients send it as Authorization: Bearer <password>; the CLI reads it from OPENCLAW_GATEWAY_PASSWORD.',
  )
  return EXIT.ok
}

async function readPassword(ctx: CommandContext): Promise<string> {
  const raw = await readSecret(ctx, 'New gateway password: ')
  if (raw.trim() === '')
    throw new OpenclawError(
      'invalid_credential',
      'No password received (input was empty); nothing was changed.',
      {
        hint: 'Pipe it on stdin, e.g. printf \'%s\\n\' "$PASSWORD" | openclaw gateway set-password',
      },
    )
  const first = normalizeSecretInput(raw, LABEL)
  if (first.length < MIN_LENGTH)
    throw new OpenclawError(
      'invalid_credential',
      `The gateway password must have at least ${MIN_LENGTH} characters.`,
      {
        hint: 'Use a long random value, e.g.: openssl rand -base64 24',
      },
    )
  if (ctx.io.stdin.isTTY) {
    const again = normalizeSecretInput(await readSecret(ctx, 'Repeat it: '), LABEL)
    if (again !== first)
      throw new OpenclawError('invalid_credential', 'The two passwords differ; nothing was changed.')
  }
  return first
}

/**
 * Rewrites each backup that still holds a gateway.auth.password: the field goes, the new hash
 * takes its place, so restoring a backup neither brings the plaintext back nor locks you out.
 * That includes the kept copy of a hand-written JSON5 config (write.ts), which loses its
 * comments here: the plaintext must not survive. A backup that does not parse is left alone.
 */
function scrubBackups(configPath: string, passwordHash: string): number {
  let n = 0
  for (const file of [...backupPaths(resolveWriteTarget(configPath)), ...handWrittenCopies(configPath)]) {
    let raw: unknown
    try {
      raw = parseConfigText(fs.readFileSync(file, 'utf8'), file)
    } catch {
      continue
    }
    const auth = (raw as { gateway?: { auth?: Record<string, unknown> } } | null)?.gateway?.auth
    if (!auth || typeof auth !== 'object' || auth.password === undefined) continue
    delete auth.password
    auth.passwordHash = passwordHash
    if (auth.mode !== 'trusted-proxy') auth.mode = 'password'
    writeFileAtomic(file, serializeConfig(raw as Record<string, unknown>), { mode: PRIVATE_FILE_MODE })
    n++
  }
  return n
}
