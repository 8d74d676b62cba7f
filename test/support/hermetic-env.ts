/**
 * Every test worker gets its own HOME and state dir and no live provider credentials,
 * so nothing a developer has exported can leak into (or be read by) the suite.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const CREDENTIAL_VAR = /(_API_KEYS?|_API_KEY_.*|_OAUTH_TOKEN|_TOKEN|_KEY|_SECRET|_PASSWORD)$/

for (const name of Object.keys(process.env)) {
  if (name.startsWith('OPENCLAW_') || CREDENTIAL_VAR.test(name)) delete process.env[name]
}
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-test-home-'))
process.env.HOME = home
process.env.OPENCLAW_STATE_DIR = path.join(home, '.openclaw')
process.env.NO_COLOR = '1'
