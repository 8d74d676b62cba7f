// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} config references are what these tests are about
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { OpenclawError } from '../errors.ts'
import { loadConfig } from './load.ts'

function tmpConfig(text?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-load-'))
  const file = path.join(dir, 'openclaw.json')
  if (text !== undefined) fs.writeFileSync(file, text, { mode: 0o600 })
  return file
}

function loadErr(file: string, env: Record<string, string> = {}): OpenclawError {
  try {
    loadConfig(file, env)
  } catch (err) {
    if (OpenclawError.isInstance(err)) return err
    throw err
  }
  throw new Error('expected loadConfig to throw')
}

describe('loadConfig', () => {
  it('a missing file is an empty config, not an error', () => {
    const file = tmpConfig()
    expect(loadConfig(file, {})).toEqual({ path: file, exists: false, raw: {}, config: {}, warnings: [] })
  })

  it('reads JSON5 (comments, trailing commas, unquoted keys) and a BOM', () => {
    const file = tmpConfig('\uFEFF{\n  // comment\n  gateway: { port: 8080, },\n}\n')
    const r = loadConfig(file, {})
    expect(r.exists).toBe(true)
    expect(r.config).toEqual({ gateway: { port: 8080 } })
  })

  it('keeps raw unsubstituted and validates the substituted config', () => {
    const file = tmpConfig(
      JSON.stringify({ models: { providers: { p: { baseUrl: '${BASE}', apiKey: '${KEY}' } } } }),
    )
    const r = loadConfig(file, { BASE: 'https://proxy.example', KEY: 'sk-secret' })
    expect(r.raw).toEqual({ models: { providers: { p: { baseUrl: '${BASE}', apiKey: '${KEY}' } } } })
    expect(r.config.models?.providers?.p).toEqual({ baseUrl: 'https://proxy.example', apiKey: 'sk-secret' })
  })

  it('a missing variable is config_invalid naming the path and the key', () => {
    const file = tmpConfig('{"gateway":{"auth":{"token":"${GW_TOKEN}"}}}')
    const e = loadErr(file)
    expect(e.code).toBe('config_invalid')
    expect(e.message).toBe(
      `Config ${file}: gateway.auth.token: environment variable GW_TOKEN referenced by \${GW_TOKEN} is not set`,
    )
  })

  it('a syntax error reports line and column', () => {
    const file = tmpConfig('{\n  gateway: {\n    port: 80 80\n  }\n}\n')
    const e = loadErr(file)
    expect(e.code).toBe('config_invalid')
    expect(e.message).toMatch(new RegExp(`^Config ${file} is not valid JSON5: .+ \\(line 3, column 14\\)$`))
  })

  it('a non-object top level is config_invalid', () => {
    expect(loadErr(tmpConfig('[1, 2]')).message).toContain(
      'must contain a JSON object at the top level, got an array',
    )
    expect(loadErr(tmpConfig('"text"')).code).toBe('config_invalid')
  })

  it('validation errors list every bad key and point at the fix', () => {
    const file = tmpConfig(
      JSON.stringify({
        auth: { profiles: { 'anthropic:work': { provider: 'anthropic', mode: 'apikey' } } },
        gateway: { port: 0 },
      }),
    )
    const e = loadErr(file)
    expect(e.code).toBe('config_invalid')
    expect(e.message.split('\n')).toEqual([
      `Config ${file} is invalid:`,
      '  auth.profiles["anthropic:work"].mode: expected one of "api_key", "token", "oauth", "aws-sdk", got "apikey"',
      '  gateway.port: expected an integer from 1 to 65535, got 0',
    ])
    expect(e.hint).toBe(`Fix the key(s) above in ${file}, or run: openclaw doctor`)
  })

  it('warnings are returned as formatted lines', () => {
    const r = loadConfig(tmpConfig('{"gateway":{"prot":1}}'), {})
    expect(r.warnings).toEqual(['gateway.prot: unknown key (ignored by this version)'])
  })

  it('an empty file loads as {} with a warning', () => {
    const r = loadConfig(tmpConfig('  \n'), {})
    expect(r.exists).toBe(true)
    expect(r.config).toEqual({})
    expect(r.warnings[0]).toContain('empty')
  })

  it.skipIf(process.getuid?.() === 0)('an unreadable file is config_unreadable', () => {
    const file = tmpConfig('{}')
    fs.chmodSync(file, 0o000)
    const e = loadErr(file)
    expect(e.code).toBe('config_unreadable')
    expect(e.message).toContain(file)
  })

  it('a directory in place of the file is config_unreadable', () => {
    const file = tmpConfig()
    fs.mkdirSync(file)
    expect(loadErr(file).code).toBe('config_unreadable')
  })
})
