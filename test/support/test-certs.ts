/**
 * Real certificates for the TLS tests, made at test time with the `openssl` CLI in a temp dir:
 * a CA, a server certificate it signs (named `gateway.test` only, so clients of 127.0.0.1 must
 * pin it or pass the name), a good client certificate, one from another CA, and one that
 * expired in 2020 (`openssl ca` with explicit -startdate/-enddate, which OpenSSL 3.0's
 * `x509 -req` cannot do). EC P-256 keys: fast to make on a small box. Keys are 0600.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface Pair {
  cert: string
  key: string
}

export interface TestCerts {
  dir: string
  ca: string
  server: Pair
  /** A second server certificate for the same name and CA (a renewal). */
  renewedServer: Pair
  client: Pair
  otherCaClient: Pair
  expiredClient: Pair
  read(file: string): string
  remove(): void
}

export const SERVER_NAME = 'gateway.test'

export function makeTestCerts(): TestCerts {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openclaw-certs-'))
  const f = (name: string) => path.join(dir, name)
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  const keygen = (name: string) => {
    ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f(name))
    fs.chmodSync(f(name), 0o600)
  }
  const makeCa = (name: string, cn: string) => {
    keygen(`${name}.key`)
    ssl(
      'req',
      '-x509',
      '-new',
      '-key',
      f(`${name}.key`),
      '-out',
      f(`${name}.pem`),
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    )
  }
  const sign = (name: string, ca: string, cn: string, ext: string) => {
    keygen(`${name}.key`)
    ssl('req', '-new', '-key', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${cn}`)
    fs.writeFileSync(f(`${name}.ext`), ext)
    ssl(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f(`${ca}.pem`),
      '-CAkey',
      f(`${ca}.key`),
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      f(`${name}.pem`),
      '-extfile',
      f(`${name}.ext`),
    )
    return { cert: f(`${name}.pem`), key: f(`${name}.key`) }
  }
  const clientExt = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n'
  makeCa('ca', 'openclaw test CA')
  makeCa('other-ca', 'some other CA')
  const serverExt = `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${SERVER_NAME}\n`
  const server = sign('server', 'ca', SERVER_NAME, serverExt)
  const renewedServer = sign('server-renewed', 'ca', SERVER_NAME, serverExt)
  const client = sign('client', 'ca', 'good client', clientExt)
  const otherCaClient = sign('other-client', 'other-ca', 'foreign client', clientExt)

  // Expired: `openssl ca` takes explicit validity dates.
  keygen('expired.key')
  ssl('req', '-new', '-key', f('expired.key'), '-out', f('expired.csr'), '-subj', '/CN=expired client')
  fs.writeFileSync(f('index.txt'), '')
  fs.writeFileSync(f('serial'), '1000\n')
  fs.writeFileSync(
    f('ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `database = ${f('index.txt')}`,
      `serial = ${f('serial')}`,
      `new_certs_dir = ${dir}`,
      'default_md = sha256',
      'policy = anything',
      'unique_subject = no',
      'copy_extensions = none',
      'x509_extensions = client_ext',
      '[anything]',
      'commonName = supplied',
      '[client_ext]',
      'basicConstraints = CA:FALSE',
      'keyUsage = digitalSignature',
      'extendedKeyUsage = clientAuth',
      '',
    ].join('\n'),
  )
  ssl(
    'ca',
    '-batch',
    '-config',
    f('ca.cnf'),
    '-cert',
    f('ca.pem'),
    '-keyfile',
    f('ca.key'),
    '-in',
    f('expired.csr'),
    '-out',
    f('expired.pem'),
    '-notext',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
  )
  return {
    dir,
    ca: f('ca.pem'),
    server,
    renewedServer,
    client,
    otherCaClient,
    expiredClient: { cert: f('expired.pem'), key: f('expired.key') },
    read: (file) => fs.readFileSync(file, 'utf8'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}
