/**
 * H-05 (catalogue 2.H): a burst of 2,000 failed-auth requests in about 2 s, each with one of 200
 * spoofed `X-Forwarded-For` values, sent straight to the gateway process (no trusted proxy).
 * On Linux all of 127.0.0.0/8 is loopback, so the attacker connects from 127.0.0.2 and a
 * legitimate client from 127.0.0.3 to the gateway on 127.0.0.1.
 * Loopback is exempt from the limiter by default unless a forwarding header is present (F-04),
 * so the attacker is limited either way; the main test sets `rateLimit.exemptLoopback: false`
 * so the legitimate client is subject to the limiter too, as a remote client would be, and
 * "unaffected" means something. Pass: the limiter is keyed on the socket address (exactly
 * maxAttempts - 1 401s for the attacker, then 429, whatever the header says; the refusal log
 * names only socket addresses), its memory stays flat, the legitimate client gets 200 throughout.
 */
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_LIMITER } from '../../src/gateway/auth/failed-auth-limiter.ts'
import { canary, makeTempHome, recordArtifact } from '../support/cli.ts'
import { providerConfig } from '../support/gateway-harness.ts'
import { startMockProvider } from '../support/mock-provider/index.ts'
import { type GatewayProcess, now, startGatewayProcess } from './harness/gateway-process.ts'
import { tally } from './harness/stream-load.ts'

const ATTACKER = '127.0.0.2'
const LEGIT = '127.0.0.3'
const BURST = 2000
const RATE_PER_S = 1000

let gw: GatewayProcess | undefined
afterEach(() => {
  gw?.killGroup()
  gw = undefined
})

/** 200 spoofed values: the victim's own address, loopback, documentation ranges, chains, IPv6. */
function spoofedXff(i: number): string {
  const k = i % 200
  if (k === 0) return LEGIT
  if (k === 1) return '127.0.0.1'
  if (k < 100) return `203.0.113.${k}`
  if (k < 150) return `198.51.100.${k}, 10.0.0.1`
  return `2001:db8::${k.toString(16)}`
}

interface Answer {
  status: number
  retryAfter: string | undefined
  body: string
}

function send(agent: http.Agent, url: string, headers: Record<string, string>): Promise<Answer> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/v1/models', method: 'GET', agent, headers, timeout: 10_000 },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] as string | undefined,
            body,
          }),
        )
      },
    )
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end()
  })
}

async function startGateway(rateLimit: Record<string, unknown>, token: string): Promise<GatewayProcess> {
  const mock = await startMockProvider()
  await mock.close() // only its URL is needed: no request here reaches an upstream
  const home = makeTempHome()
  home.writeConfig({
    models: { providers: providerConfig(mock) },
    gateway: { auth: { mode: 'token', token, rateLimit } },
  })
  return startGatewayProcess({ home, probe: true })
}

/** Refusals the gateway logged, by the address it keyed them on. */
function refusedAddresses(g: GatewayProcess, from: number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const l of g.lines.slice(from)) {
    const m = / warn: refused (\S+?)(?: via \S+)?: (\S+)$/.exec(l.text)
    if (m) out[m[1] as string] = (out[m[1] as string] ?? 0) + 1
  }
  return out
}

describe('H-05: failed-auth burst with spoofed X-Forwarded-For, no trusted proxy', () => {
  it('2,000 wrong tokens from 200 spoofed XFF values: keyed on the socket, memory flat, legitimate client unaffected', async () => {
    const token = canary('gw-token-')
    const wrong = canary('gw-wrong-')
    gw = await startGateway({ exemptLoopback: false }, token)
    const attacker = new http.Agent({ keepAlive: true, localAddress: ATTACKER, maxSockets: 64 })
    const legit = new http.Agent({ keepAlive: true, localAddress: LEGIT, maxSockets: 4 })
    try {
      // Warm-up from a third address, then the idle heap after a forced GC.
      const warm = new http.Agent({ keepAlive: true, localAddress: '127.0.0.4' })
      for (let i = 0; i < 50; i++) await send(warm, gw.url, { authorization: `Bearer ${token}` })
      warm.destroy()
      const idle = await gw.memory()
      const logFrom = gw.lines.length

      const attacks: Array<Promise<Answer>> = []
      const legitAnswers: Answer[] = []
      const started = now()
      let legitRunning = true
      const legitLoop = (async () => {
        for (let i = 0; i < 1000 && legitRunning; i++) {
          legitAnswers.push(await send(legit, gw!.url, { authorization: `Bearer ${token}` }))
          await new Promise((r) => setTimeout(r, 20))
        }
      })()
      // Paced at RATE_PER_S in 10 ms ticks; a slow box just stretches the burst.
      for (let i = 0; i < BURST; ) {
        const due = Math.min(BURST, Math.floor(((now() - started) / 1000) * RATE_PER_S) + 10)
        for (; i < due; i++) {
          attacks.push(
            send(attacker, gw.url, { authorization: `Bearer ${wrong}`, 'x-forwarded-for': spoofedXff(i) }),
          )
        }
        await new Promise((r) => setTimeout(r, 10))
      }
      const answers = await Promise.all(attacks)
      const burstMs = now() - started
      legitRunning = false
      await legitLoop
      const after = await gw.memory()

      const lockedRight = await send(attacker, gw.url, {
        authorization: `Bearer ${token}`,
        'x-forwarded-for': LEGIT,
      })
      const legitWrong = await send(legit, gw.url, { authorization: `Bearer ${wrong}` })
      const legitAgain = await send(legit, gw.url, { authorization: `Bearer ${token}` })
      const keys = refusedAddresses(gw, logFrom)
      const summary = {
        burst: answers.length,
        burstMs: Math.round(burstMs),
        perSecond: Math.round(answers.length / (burstMs / 1000)),
        attacker: tally(answers, (a) => String(a.status)),
        legit: tally(legitAnswers, (a) => String(a.status)),
        refusalKeys: keys,
        heapMB: { idle: +(idle.heapUsed / 1e6).toFixed(2), after: +(after.heapUsed / 1e6).toFixed(2) },
      }
      console.log(`h05: ${JSON.stringify(summary)}`)
      recordArtifact('h05-answers', {
        bodies: [...answers, ...legitAnswers, lockedRight, legitWrong]
          .map((a) => `${a.status} ${a.body}`)
          .join('\n'),
      })

      // Keyed on the socket: one budget for all 200 spoofed identities.
      expect(answers.filter((a) => a.status === 401)).toHaveLength(DEFAULT_LIMITER.maxAttempts - 1)
      expect(answers.filter((a) => a.status === 429)).toHaveLength(BURST - DEFAULT_LIMITER.maxAttempts + 1)
      expect(answers.filter((a) => a.status === 429).every((a) => Number(a.retryAfter) > 0)).toBe(true)
      expect(Object.keys(keys).sort()).toEqual([ATTACKER, LEGIT])
      expect(keys[ATTACKER]).toBe(BURST + 1)
      // Locked out even with the right token, while the address it spoofed is not.
      expect(lockedRight.status).toBe(429)
      expect(legitAnswers.length).toBeGreaterThan(10)
      expect(legitAnswers.every((a) => a.status === 200)).toBe(true)
      expect(legitWrong.status).toBe(401)
      expect(legitAgain.status).toBe(200)
      for (const a of [...answers, legitWrong]) expect(a.body).not.toContain(wrong)
      expect(gw.stderr).not.toContain(wrong)
      // Two limiter entries whatever the spoofing; a header-keyed limiter would hold 200.
      expect(idle.gc && after.gc).toBe(true)
      expect(after.heapUsed - idle.heapUsed).toBeLessThan(2 * 1024 * 1024)
      expect(burstMs).toBeLessThan(20_000)
    } finally {
      attacker.destroy()
      legit.destroy()
    }
    expect(await gw.stop()).toBe(0)
  }, 45_000)

  it('default loopback exemption: a forwarded header removes it, a plain loopback client keeps it', async () => {
    const token = canary('gw-token-')
    const wrong = canary('gw-wrong-')
    gw = await startGateway({}, token)
    const attacker = new http.Agent({ keepAlive: true, localAddress: ATTACKER })
    const local = new http.Agent({ keepAlive: true, localAddress: LEGIT })
    try {
      const spoofed: number[] = []
      const plain: number[] = []
      for (let i = 0; i < 20; i++) {
        spoofed.push(
          (
            await send(attacker, gw.url, {
              authorization: `Bearer ${wrong}`,
              'x-forwarded-for': spoofedXff(i),
            })
          ).status,
        )
        plain.push((await send(local, gw.url, { authorization: `Bearer ${wrong}` })).status)
      }
      expect(tally(spoofed, String)).toEqual({ 401: 9, 429: 11 })
      expect(plain.every((s) => s === 401)).toBe(true)
      expect((await send(local, gw.url, { authorization: `Bearer ${token}` })).status).toBe(200)
    } finally {
      attacker.destroy()
      local.destroy()
    }
    expect(await gw.stop()).toBe(0)
  })
})
