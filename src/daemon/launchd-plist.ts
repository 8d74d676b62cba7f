/**
 * Renders the launchd agent for macOS. launchd has no EnvironmentFile; the gateway reads
 * `<state>/.env` itself at start (DECISIONS 6), so OPENCLAW_STATE_DIR is all it needs here.
 */
import path from 'node:path'
import { LAUNCHD_LABEL, type ServiceSpec } from './service-spec.ts'

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

export function renderLaunchdPlist(spec: ServiceSpec): string {
  const args = [spec.nodePath, spec.binPath, ...spec.args].map((a) => `    <string>${xml(a)}</string>`)
  const env = Object.entries(spec.environment).map(
    ([k, v]) => `    <key>${xml(k)}</key>\n    <string>${xml(v)}</string>`,
  )
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${LAUNCHD_LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args,
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...env,
    '  </dict>',
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>Umask</key>',
    '  <integer>63</integer>',
    '  <key>StandardOutPath</key>',
    `  <string>${xml(path.join(spec.logDir, 'gateway.out.log'))}</string>`,
    '  <key>StandardErrorPath</key>',
    `  <string>${xml(path.join(spec.logDir, 'gateway.err.log'))}</string>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n')
}
