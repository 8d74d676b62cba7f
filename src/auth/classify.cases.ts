/**
 * Provider error shapes as they arrive on the wire (status + body JSON + headers), for the
 * classifier's table test. Part 1: Anthropic and OpenAI; Google is in classify.cases-google.ts,
 * everyone else in classify.cases-more.ts.
 */

import type { UpstreamFailure } from './classify.ts'
import type { FailureClass } from './types.ts'

export interface ClassifyCase {
  name: string
  input: UpstreamFailure
  reason: FailureClass
  /** Expected delay when headers (or a Google RetryInfo) say so; omitted means none. */
  retryAfterMs?: number
  /** True when the result must carry a remediation hint. */
  hint?: boolean
}

export const NOW = Date.parse('2026-11-22T12:00:00Z')

const anthropic = (type: string, message: string): string =>
  JSON.stringify({ type: 'error', error: { type, message } })
const openai = (message: string, type: string | null, code: string | null, param: string | null = null) =>
  JSON.stringify({ error: { message, type, param, code } })

export const PROVIDER_CASES: ClassifyCase[] = [
  // ---- Anthropic ----
  {
    name: 'anthropic 429 rate_limit_error with retry-after',
    input: {
      provider: 'anthropic',
      status: 429,
      bodyText: anthropic(
        'rate_limit_error',
        'This request would exceed the rate limit for your organization (4f1c) of 50,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
      ),
      headers: { 'retry-after': '17', 'request-id': 'req_011CT', 'anthropic-organization-id': '4f1c' },
      now: NOW,
    },
    reason: 'rate_limit',
    retryAfterMs: 17_000,
  },
  {
    name: 'anthropic 429 with only ratelimit reset headers (tokens exhausted)',
    input: {
      provider: 'anthropic',
      status: 429,
      bodyText: anthropic(
        'rate_limit_error',
        'Number of request tokens has exceeded your per-minute rate limit',
      ),
      headers: {
        'anthropic-ratelimit-requests-remaining': '48',
        'anthropic-ratelimit-requests-reset': '2026-11-22T12:00:01Z',
        'anthropic-ratelimit-tokens-remaining': '0',
        'anthropic-ratelimit-tokens-reset': '2026-11-22T12:00:30Z',
      },
      now: NOW,
    },
    reason: 'rate_limit',
    retryAfterMs: 30_000,
  },
  {
    name: 'anthropic 529 overloaded_error',
    input: { provider: 'anthropic', status: 529, bodyText: anthropic('overloaded_error', 'Overloaded') },
    reason: 'overloaded',
  },
  {
    name: 'anthropic overloaded_error inside a 200 SSE stream',
    input: {
      provider: 'anthropic',
      status: 200,
      bodyText: `event: error\ndata: ${anthropic('overloaded_error', 'Overloaded')}\n\n`,
    },
    reason: 'overloaded',
  },
  {
    name: 'anthropic 401 authentication_error',
    input: {
      provider: 'anthropic',
      status: 401,
      bodyText: anthropic('authentication_error', 'invalid x-api-key'),
    },
    reason: 'auth',
  },
  {
    name: 'anthropic 401 OAuth token expired',
    input: {
      provider: 'anthropic',
      status: 401,
      bodyText: anthropic(
        'authentication_error',
        'OAuth token has expired. Please obtain a new token or refresh your existing token.',
      ),
    },
    reason: 'auth',
  },
  {
    name: 'anthropic 403 permission_error',
    input: {
      provider: 'anthropic',
      status: 403,
      bodyText: anthropic(
        'permission_error',
        'Your API key does not have permission to use the specified resource.',
      ),
    },
    reason: 'auth',
  },
  {
    name: 'anthropic 400 invalid_request_error tool_use_id',
    input: {
      provider: 'anthropic',
      status: 400,
      bodyText: anthropic(
        'invalid_request_error',
        'messages.1.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_01A. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
      ),
    },
    reason: 'format',
  },
  {
    name: 'anthropic 400 prompt is too long',
    input: {
      provider: 'anthropic',
      status: 400,
      bodyText: anthropic('invalid_request_error', 'prompt is too long: 215034 tokens > 200000 maximum'),
    },
    reason: 'format',
  },
  {
    name: 'anthropic 400 credit balance too low',
    input: {
      provider: 'anthropic',
      status: 400,
      bodyText: anthropic(
        'invalid_request_error',
        'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
      ),
    },
    reason: 'billing',
  },
  {
    name: 'anthropic 404 not_found_error (model)',
    input: {
      provider: 'anthropic',
      status: 404,
      bodyText: anthropic('not_found_error', 'model: claude-3-opus-2099'),
    },
    reason: 'model_not_found',
  },
  {
    name: 'anthropic 500 api_error',
    input: { provider: 'anthropic', status: 500, bodyText: anthropic('api_error', 'Internal server error') },
    reason: 'server_error',
  },
  {
    name: 'anthropic Claude Code-only credential',
    input: {
      provider: 'anthropic',
      status: 400,
      bodyText: anthropic(
        'invalid_request_error',
        'This credential is only authorized for use with Claude Code and cannot be used for other API requests.',
      ),
    },
    reason: 'auth',
    hint: true,
  },
  // ---- OpenAI ----
  {
    name: 'openai 429 rate_limit_exceeded with x-ratelimit reset',
    input: {
      provider: 'openai',
      status: 429,
      bodyText: openai(
        'Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29500, Requested 1200. Please try again in 1.4s.',
        'tokens',
        'rate_limit_exceeded',
      ),
      headers: new Headers({
        'x-ratelimit-limit-tokens': '30000',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '1.4s',
        'x-ratelimit-remaining-requests': '499',
        'x-ratelimit-reset-requests': '120ms',
      }),
    },
    reason: 'rate_limit',
    retryAfterMs: 1_400,
  },
  {
    name: 'openai 429 insufficient_quota is billing',
    input: {
      provider: 'openai',
      status: 429,
      bodyText: openai(
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        'insufficient_quota',
        'insufficient_quota',
      ),
    },
    reason: 'billing',
  },
  {
    name: 'openai 401 invalid_api_key',
    input: {
      provider: 'openai',
      status: 401,
      bodyText: openai(
        'Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        'invalid_api_key',
      ),
    },
    reason: 'auth',
  },
  {
    name: 'openai 404 model_not_found',
    input: {
      provider: 'openai',
      status: 404,
      bodyText: openai(
        'The model `gpt-5-turbo` does not exist or you do not have access to it.',
        'invalid_request_error',
        'model_not_found',
      ),
    },
    reason: 'model_not_found',
  },
  {
    name: 'openai 400 context_length_exceeded',
    input: {
      provider: 'openai',
      status: 400,
      bodyText: openai(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.",
        'invalid_request_error',
        'context_length_exceeded',
        'messages',
      ),
    },
    reason: 'format',
  },
  {
    name: 'openai 400 tool message without tool_calls',
    input: {
      provider: 'openai',
      status: 400,
      bodyText: openai(
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        'invalid_request_error',
        null,
        'messages.[2].role',
      ),
    },
    reason: 'format',
  },
  {
    name: 'openai 500 server_error',
    input: {
      provider: 'openai',
      status: 500,
      bodyText: openai(
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
        null,
      ),
    },
    reason: 'server_error',
  },
  {
    name: 'openai 503 engine overloaded',
    input: {
      provider: 'openai',
      status: 503,
      bodyText: openai('The engine is currently overloaded, please try again later', 'server_error', null),
    },
    reason: 'overloaded',
  },
  {
    name: 'openai 401 organization disabled',
    input: {
      provider: 'openai',
      status: 401,
      bodyText: openai(
        'This organization has been disabled.',
        'invalid_request_error',
        'organization_deactivated',
      ),
    },
    reason: 'auth_permanent',
  },
  {
    name: 'openai 401 API key revoked',
    input: {
      provider: 'openai',
      status: 401,
      bodyText: openai('Your API key has been revoked.', 'invalid_request_error', 'invalid_api_key'),
    },
    reason: 'auth_permanent',
  },
]
