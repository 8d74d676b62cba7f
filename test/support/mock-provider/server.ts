/**
 * The mock provider's HTTP server on 127.0.0.1: records every request, applies the API's own
 * auth and request checks, then answers with the credential's scripted behavior.
 */
import { EventEmitter } from 'node:events'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { anthropicHandler } from './anthropic.ts'
import { anthropicError, geminiError, openaiError } from './error-shapes.ts'
import type { ApiHandler, ErrorReply, Exchange } from './exchange.ts'
import { geminiHandler } from './gemini.ts'
import { openaiHandler } from './openai.ts'
import { extractCredential, guessApi, matchRoute } from './routes.ts'
import { BehaviorScript, GateRegistry } from './scripting.ts'
import { sendError, sendJson, sleep } from './stream-helpers.ts'
import type { MockApi, MockProvider, MockProviderOptions, RecordedRequest } from './types.ts'

const HANDLERS: Record<MockApi, ApiHandler> = {
  anthropic: anthropicHandler,
  openai: openaiHandler,
  gemini: geminiHandler,
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseBody(raw: string): { parsed: unknown; object: Record<string, unknown> | undefined } {
  if (raw.trim() === '') return { parsed: undefined, object: undefined }
  try {
    const parsed: unknown = JSON.parse(raw)
    const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    return { parsed, object: isObject ? (parsed as Record<string, unknown>) : undefined }
  } catch {
    return { parsed: raw, object: undefined }
  }
}

function notFound(x: Exchange): ErrorReply {
  const where = `${x.record.method} ${x.record.path}`
  if (x.api === 'anthropic') {
    return anthropicError(
      { requestId: x.id, model: '', credential: undefined, via: undefined },
      404,
      'not_found_error',
      'Not Found',
    )
  }
  if (x.api === 'openai') return openaiError(404, `Invalid URL (${where})`, 'invalid_request_error', null)
  return geminiError(404, `Mock provider has no route for ${where}.`)
}

export async function startMockProvider(opts: MockProviderOptions = {}): Promise<MockProvider> {
  const events = new EventEmitter()
  const requests: RecordedRequest[] = []
  const script = new BehaviorScript()
  const gates = new GateRegistry()
  const sockets = new Set<Socket>()
  let seq = 0
  let closing = false

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    seq += 1
    const id = `mockreq_${seq}`
    res.setHeader('x-mock-request-id', id)
    req.socket.setNoDelay(true)
    const controller = new AbortController()
    let selfDestroyed = false
    res.on('close', () => {
      if (res.writableFinished) return
      controller.abort()
      if (!selfDestroyed && !closing) events.emit('client-aborted', { id })
    })
    res.on('finish', () => events.emit('response-finished', { id }))

    const rawBody = await readBody(req)
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const headers = flatHeaders(req)
    const query = Object.fromEntries(url.searchParams)
    const route = matchRoute(method, url.pathname, headers)
    const api = route?.api ?? guessApi(url.pathname, headers)
    const { credential, via } = extractCredential(api, headers, query)
    const { parsed, object } = parseBody(rawBody)
    const record: RecordedRequest = {
      id,
      api,
      method,
      path: url.pathname,
      query,
      headers,
      body: parsed,
      rawBody,
      credential,
      credentialVia: via,
      routed: route !== undefined,
      at: Date.now(),
    }
    requests.push(record)
    events.emit('request', record)

    let firstSent = false
    const x: Exchange = {
      id,
      api,
      req,
      res,
      record,
      body: object,
      malformed: rawBody.trim() !== '' && object === undefined,
      pathModel: route?.model,
      streamRoute: route?.stream === true,
      signal: controller.signal,
      chunkIntervalMs: opts.chunkIntervalMs ?? 0,
      anthropicApiKeyHeader: opts.anthropicApiKeyHeader ?? 'any',
      gate: () => {
        events.emit('gate-waiting', { id })
        return gates.wait(id, controller.signal)
      },
      firstChunkSent: () => {
        if (firstSent) return
        firstSent = true
        events.emit('first-chunk-sent', { id })
      },
    }
    if (!route) return sendError(x, notFound(x))

    const handler = HANDLERS[api]
    const refused = handler.checkAuth(x) ?? (route.kind === 'generate' ? handler.checkRequest(x) : undefined)
    if (refused) return sendError(x, refused)

    const behavior = script.next(credential)
    switch (behavior.kind) {
      case 'reset':
        selfDestroyed = true
        req.socket.destroy()
        return
      case 'hang':
        return
      case 'ok':
      case 'stream_gated': {
        const delayMs = behavior.kind === 'ok' ? (behavior.delayMs ?? 0) : 0
        if (delayMs > 0 && !(await sleep(delayMs, controller.signal))) return
        if (route.kind === 'models') return sendJson(x, 200, handler.listModels(x))
        const gated = behavior.kind === 'stream_gated'
        const spec = gated
          ? { text: behavior.text, gated }
          : { text: behavior.text, toolCall: behavior.toolCall, gated }
        return handler.respond(x, spec)
      }
      default:
        if (behavior.kind === 'rate_limit' && behavior.gated && !(await x.gate())) return
        return sendError(x, handler.failure(x, behavior))
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (closing || res.destroyed) return
      if (res.headersSent) {
        res.destroy()
        return
      }
      const message = `mock provider failure: ${err instanceof Error ? err.stack : String(err)}`
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message, type: 'mock_provider_bug' } }))
    })
  })
  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true)
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  let closed: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    events,
    setBehavior: (credential, behavior) => script.set(credential, behavior),
    setDefault: (behavior) => script.setDefault(behavior),
    release: (id) => gates.release(id),
    callsFor: (credential) => requests.filter((r) => r.credential === credential).length,
    reset: () => {
      requests.length = 0
      script.clear()
      gates.clearEarly()
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing = true
        server.close(() => resolve())
        server.closeAllConnections()
        for (const socket of sockets) socket.destroy()
      })
      return closed
    },
  }
}
