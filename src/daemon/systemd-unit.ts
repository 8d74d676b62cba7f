/**
 * Renders the systemd user unit. Values are escaped for systemd's own syntax: `%` starts a
 * specifier and `$` a variable in ExecStart, and arguments with spaces need quoting, so a state
 * dir like "/home/a b/%x" still reaches the gateway byte for byte.
 */
import type { ServiceSpec } from './service-spec.ts'

function escapeSpecifiers(s: string): string {
  return s.replace(/%/g, '%%')
}

/** One ExecStart word: specifiers and variables escaped, quoted when it holds blanks or quotes. */
export function execWord(s: string): string {
  const e = escapeSpecifiers(s).replace(/\$/g, '$$$$')
  return /[\s"'\\]/.test(e) ? `"${e.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : e
}

function envAssignment(name: string, value: string): string {
  return `"${escapeSpecifiers(`${name}=${value}`).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** A user unit, or with `spec.user` a system unit that runs as that account. */
export function renderSystemdUnit(spec: ServiceSpec): string {
  const exec = [spec.nodePath, spec.binPath, ...spec.args].map(execWord).join(' ')
  const system = spec.user !== undefined
  const flag = system ? ' --system' : ''
  return [
    `# Written by \`openclaw gateway install${flag}\`; remove it with \`openclaw gateway uninstall${flag}\`.`,
    '[Unit]',
    'Description=OpenClaw gateway (model provider auth proxy)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...(system ? [`User=${spec.user}`] : []),
    ...Object.entries(spec.environment).map(([k, v]) => `Environment=${envAssignment(k, v)}`),
    '# API keys for the daemon live here (openclaw onboard --key-storage dotenv writes it).',
    // The leading "-" lets the service start before the file exists.
    `EnvironmentFile=-${escapeSpecifiers(spec.envFile)}`,
    `ExecStart=${exec}`,
    'Restart=on-failure',
    'RestartSec=5',
    'UMask=0077',
    '',
    '[Install]',
    system ? 'WantedBy=multi-user.target' : 'WantedBy=default.target',
    '',
  ].join('\n')
}
