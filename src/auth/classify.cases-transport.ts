/** Classifier table: gateway timeouts, transport failures and bare messages with no status. */

import { type ClassifyCase, NOW } from './classify.cases.ts'

const cfHtml = (title: string) =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`

export const TRANSPORT_CASES: ClassifyCase[] = [
  // ---- gateways, timeouts, transport ----
  {
    name: '504 gateway timeout HTML page',
    input: { status: 504, bodyText: cfHtml('504 Gateway Time-out') },
    reason: 'timeout',
  },
  {
    name: 'cloudflare 522 connection timed out',
    input: { status: 522, bodyText: cfHtml('example.com | 522: Connection timed out') },
    reason: 'timeout',
  },
  {
    name: 'cloudflare 524 a timeout occurred',
    input: { status: 524, bodyText: cfHtml('A timeout occurred') },
    reason: 'timeout',
  },
  { name: '408 request timeout', input: { status: 408, message: 'Request Timeout' }, reason: 'timeout' },
  { name: '499 client closed request at the proxy', input: { status: 499 }, reason: 'timeout' },
  {
    name: '502 bad gateway',
    input: { status: 502, bodyText: cfHtml('502 Bad Gateway') },
    reason: 'server_error',
  },
  {
    name: 'transport timeout',
    input: { transport: 'timeout', message: 'Request timed out.' },
    reason: 'timeout',
  },
  { name: 'transport reset', input: { transport: 'reset', message: 'read ECONNRESET' }, reason: 'timeout' },
  {
    name: 'transport refused',
    input: { transport: 'refused', message: 'connect ECONNREFUSED' },
    reason: 'timeout',
  },
  { name: 'transport aborted (our own abort)', input: { transport: 'aborted' }, reason: 'unknown' },
  { name: 'socket hang up (no status)', input: { message: 'socket hang up' }, reason: 'timeout' },
  {
    name: 'deadline exceeded (no status)',
    input: { message: '4 DEADLINE_EXCEEDED: Deadline exceeded' },
    reason: 'timeout',
  },
  {
    name: 'bare "An unknown error occurred"',
    input: { message: 'An unknown error occurred' },
    reason: 'timeout',
  },
  {
    name: 'generic "LLM request failed with an unknown error." does not fail over',
    input: { message: 'LLM request failed with an unknown error.' },
    reason: 'unknown',
  },
  {
    name: 'HTTP-date retry-after on 503',
    input: {
      status: 503,
      message: 'Service Unavailable',
      headers: { 'Retry-After': 'Sun, 22 Nov 2026 12:02:00 GMT' },
      now: NOW,
    },
    reason: 'server_error',
    retryAfterMs: 120_000,
  },
]
