import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { untilPushedBack, type WriteProgress, writeAsTaken } from '../../test/support/push-back.ts'
import { LightAbort } from '../util/abort-like.ts'
import { bodyFailure, readBody, sendUpstream, UpstreamTransportError } from './upstream.ts'

const servers: http.Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

async function serve(handler: http.RequestListener): Promise<URL> {
  const s = http.createServer(handler)
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}/v1/x?q=1`)
}

const call = (url: URL, extra: { timeoutMs?: number; signal?: LightAbort['signal'] } = {}) =>
  sendUpstream({
    url,
    headers: { 'x-k': 'v' },
    body: '{"a":1}',
    timeoutMs: extra.timeoutMs ?? 2000,
    signal: extra.signal,
  })

async function failureOf(p: Promise<unknown>): Promise<UpstreamTransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(UpstreamTransportError)
  return err as UpstreamTransportError
}

describe('sendUpstream (undici underneath)', () => {
  it('sends method, path, headers and body, and hands back status, headers and the body', async () => {
    let seen: { method?: string; url?: string; k?: string; len?: string; body: string } | undefined
    const url = await serve((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        seen = {
          method: req.method,
          url: req.url,
          k: req.headers['x-k'] as string,
          len: req.headers['content-length'],
          body,
        }
        res.writeHead(201, { 'x-up': 'yes', 'content-type': 'application/json' }).end('{"ok":true}')
      })
    })
    const up = await call(url)
    expect(up.status).toBe(201)
    expect(up.headers['x-up']).toBe('yes')
    expect(await readBody(up.body)).toBe('{"ok":true}')
    expect(seen).toEqual({ method: 'POST', url: '/v1/x?q=1', k: 'v', len: '7', body: '{"a":1}' })
  })

  it('a redirect comes back as the 3xx itself: never followed, so a key never goes to another origin', async () => {
    let followed = false
    const other = await serve((_req, res) => {
      followed = true
      res.end('{}')
    })
    const url = await serve((_req, res) => res.writeHead(302, { location: other.href }).end())
    const up = await call(url)
    expect(up.status).toBe(302)
    up.body.discard()
    expect(followed).toBe(false)
  })

  it('a closed port is refused, a dropped connection is a reset, both naming only the host', async () => {
    const gone = await serve(() => {})
    const port = gone.port
    const s = servers.pop() as http.Server
    await new Promise((r) => s.close(r))
    const refused = await failureOf(call(new URL(`http://127.0.0.1:${port}/v1/x`)))
    expect(refused.transport).toBe('refused')
    expect(refused.message).toBe(`connection to 127.0.0.1:${port} failed (ECONNREFUSED)`)

    const url = await serve((req) => req.socket.destroy())
    const secret = `sk-test-${Math.random().toString(36).slice(2)}`
    const reset = await failureOf(
      sendUpstream({ url, headers: { authorization: `Bearer ${secret}` }, body: secret, timeoutMs: 2000 }),
    )
    expect(reset.transport).toBe('reset')
    expect(reset.message).toMatch(new RegExp(`^connection to ${url.host} failed \\(\\w+\\)$`))
    expect(`${reset.message} ${reset.stack}`).not.toContain(secret)
  })

  it('no head within the idle timeout is a timeout', async () => {
    const url = await serve(() => {})
    const err = await failureOf(call(url, { timeoutMs: 150 }))
    expect(err.transport).toBe('timeout')
    expect(err.message).toBe(`no response from ${url.host} within 150 ms`)
  })

  it('a client abort before the head is "aborted", and one after it ends the body as aborted', async () => {
    let arrived!: () => void
    const reached = new Promise<void>((resolve) => {
      arrived = resolve
    })
    const url = await serve(() => arrived())
    const before = new LightAbort()
    const pending = call(url, { signal: before.signal })
    await reached
    before.abort()
    expect((await failureOf(pending)).transport).toBe('aborted')

    const streaming = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: 1\n\n')
    })
    const after = new LightAbort()
    const up = await call(streaming, { signal: after.signal })
    const ended = up.body
      .eachChunk(() => {
        after.abort()
        return true
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(bodyFailure(await ended, up)?.transport).toBe('aborted')
  })

  it('a body that stalls mid-way fails as a timeout; an error that is not the transport is not one', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: 1\n\n')
    })
    const up = await call(url, { timeoutMs: 150 })
    const ended = up.body
      .eachChunk(() => true)
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    const failure = bodyFailure(await ended, up)
    expect(failure?.transport).toBe('timeout')
    expect(failure?.message).toBe(`no response from ${url.host} within 150 ms`)
    expect(bodyFailure(new SyntaxError('bad frame'), up)).toBeUndefined()
  })

  it('a consumer that pauses stops the socket read, so the server is pushed back; resume gets every byte', async () => {
    const piece = Buffer.alloc(256 * 1024, 0x61)
    const count = 256 // 64 MiB
    let progress!: WriteProgress
    const url = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(count * piece.length),
      })
      progress = writeAsTaken(res, piece, count)
    })
    const up = await call(url, { timeoutMs: 5000 })
    let received = 0
    let room = false
    const done = up.body.eachChunk((c) => {
      received += c.length
      return room
    })
    await untilPushedBack(progress, count)
    expect(progress.sent).toBeLessThan(count)
    // What reached the consumer: what the transport held before it read, plus one chunk.
    expect(received).toBeLessThan(1024 * 1024)
    room = true
    up.body.resume()
    await done
    expect(received).toBe(count * piece.length)
  })
})
