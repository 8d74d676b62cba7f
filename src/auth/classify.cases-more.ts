/**
 * Classifier table, part 2: Bedrock, OpenRouter, Azure, smaller OpenAI-compatible providers,
 * Cloudflare quota wording. Gateways and transport failures are in classify.cases-transport.ts.
 */

import type { ClassifyCase } from './classify.cases.ts'

const openaiShape = (message: string, type: string | null, code: string | null) =>
  JSON.stringify({ error: { message, type, param: null, code } })
const openrouter = (code: number, message: string, metadata?: Record<string, unknown>) =>
  JSON.stringify({ error: { code, message, ...(metadata ? { metadata } : {}) } })

export const MORE_CASES: ClassifyCase[] = [
  // ---- AWS Bedrock ----
  {
    name: 'bedrock ThrottlingException arrives as 400 (x-amzn-errortype header)',
    input: {
      provider: 'amazon-bedrock',
      status: 400,
      bodyText: JSON.stringify({ message: 'Too many tokens, please wait before trying again.' }),
      headers: {
        'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      },
    },
    reason: 'rate_limit',
  },
  {
    name: 'bedrock ThrottlingException named in __type',
    input: {
      provider: 'amazon-bedrock',
      status: 400,
      bodyText: JSON.stringify({
        __type: 'com.amazon.bedrock.runtime#ThrottlingException',
        message: 'Rate exceeded',
      }),
    },
    reason: 'rate_limit',
  },
  {
    name: 'bedrock ServiceUnavailableException 503',
    input: {
      provider: 'amazon-bedrock',
      status: 503,
      bodyText: JSON.stringify({ message: 'Bedrock is unable to process your request.' }),
      headers: {
        'x-amzn-errortype':
          'ServiceUnavailableException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      },
    },
    reason: 'server_error',
  },
  {
    name: 'bedrock AccessDeniedException 403',
    input: {
      provider: 'amazon-bedrock',
      status: 403,
      bodyText: JSON.stringify({
        __type: 'AccessDeniedException',
        message: "You don't have access to the model with the specified model ID.",
      }),
    },
    reason: 'auth',
  },
  {
    name: 'bedrock ModelNotReadyException 429 is overloaded',
    input: {
      provider: 'amazon-bedrock',
      status: 429,
      bodyText: JSON.stringify({
        __type: 'ModelNotReadyException',
        message: 'Model is not ready for inference. Wait and try your request again.',
      }),
    },
    reason: 'overloaded',
  },
  {
    name: 'bedrock ValidationException 400 input too long',
    input: {
      provider: 'amazon-bedrock',
      status: 400,
      bodyText: JSON.stringify({
        __type: 'ValidationException',
        message: 'Input is too long for requested model.',
      }),
    },
    reason: 'format',
  },
  // ---- OpenRouter ----
  {
    name: 'openrouter 402 insufficient credits',
    input: {
      provider: 'openrouter',
      status: 402,
      bodyText: openrouter(
        402,
        'Insufficient credits. Add more using https://openrouter.ai/settings/credits',
      ),
    },
    reason: 'billing',
  },
  {
    name: 'openrouter 403 Key limit exceeded is billing',
    input: {
      provider: 'openrouter',
      status: 403,
      bodyText: openrouter(
        403,
        'Key limit exceeded (total limit). Manage it using https://openrouter.ai/settings/keys',
      ),
    },
    reason: 'billing',
  },
  {
    name: '"Key limit exceeded" from another provider stays auth',
    input: {
      provider: 'some-proxy',
      status: 403,
      bodyText: openrouter(403, 'Key limit exceeded (total limit).'),
    },
    reason: 'auth',
  },
  {
    name: 'openrouter 429 Provider returned error wrapping an upstream rate limit',
    input: {
      provider: 'openrouter',
      status: 429,
      bodyText: openrouter(429, 'Provider returned error', {
        raw: 'google/gemini-2.0-flash-exp:free is temporarily rate-limited upstream. Please retry shortly.',
        provider_name: 'Google AI Studio',
      }),
    },
    reason: 'rate_limit',
  },
  {
    name: 'openrouter 429 free-models-per-day mentions credits but is a rate limit',
    input: {
      provider: 'openrouter',
      status: 429,
      bodyText: openrouter(
        429,
        'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day',
      ),
    },
    reason: 'rate_limit',
  },
  {
    name: 'openrouter bare "Provider returned error" is timeout',
    input: { provider: 'openrouter', message: 'Provider returned error' },
    reason: 'timeout',
  },
  {
    name: 'bare "Provider returned error" from another provider is unknown',
    input: { provider: 'anthropic', message: 'Provider returned error' },
    reason: 'unknown',
  },
  // ---- Azure OpenAI ----
  {
    name: 'azure 429 token rate limit with retry-after-ms',
    input: {
      provider: 'azure-openai',
      status: 429,
      bodyText: JSON.stringify({
        error: {
          code: '429',
          message:
            'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-02-01 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds.',
        },
      }),
      headers: { 'Retry-After-Ms': '5800', 'Retry-After': '6' },
    },
    reason: 'rate_limit',
    retryAfterMs: 5_800,
  },
  {
    name: 'azure token rate limit message without a status',
    input: {
      provider: 'azure-openai',
      message:
        'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-02-01 have exceeded token rate limit of your current OpenAI S0 pricing tier.',
    },
    reason: 'rate_limit',
  },
  {
    name: 'azure 404 DeploymentNotFound',
    input: {
      provider: 'azure-openai',
      status: 404,
      bodyText: JSON.stringify({
        error: {
          code: 'DeploymentNotFound',
          message: 'The API deployment for this resource does not exist.',
        },
      }),
    },
    reason: 'model_not_found',
  },
  // ---- xAI / Groq / Mistral / DeepSeek ----
  {
    name: 'xai 429 monthly spending limit',
    input: {
      provider: 'xai',
      status: 429,
      bodyText: JSON.stringify({
        code: 'Some resource has been exhausted',
        error:
          'Your team 9f2 has either used all available credits or reached its monthly spending limit. To continue making API requests, please purchase more credits or raise your spending limit.',
      }),
    },
    reason: 'rate_limit',
  },
  {
    name: 'groq 429 tokens per minute with retry-after',
    input: {
      provider: 'groq',
      status: 429,
      bodyText: openaiShape(
        'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Used 5000, Requested 2000. Please try again in 10s.',
        'tokens',
        'rate_limit_exceeded',
      ),
      headers: { 'retry-after': '10' },
    },
    reason: 'rate_limit',
    retryAfterMs: 10_000,
  },
  {
    name: 'mistral 429 requests rate limit exceeded',
    input: {
      provider: 'mistral',
      status: 429,
      bodyText: JSON.stringify({
        object: 'error',
        message: 'Requests rate limit exceeded',
        type: 'rate_limited',
        param: null,
        code: '1300',
      }),
    },
    reason: 'rate_limit',
  },
  {
    name: 'deepseek 402 Insufficient Balance',
    input: {
      provider: 'deepseek',
      status: 402,
      bodyText: openaiShape('Insufficient Balance', 'unknown_error', 'invalid_request_error'),
    },
    reason: 'billing',
  },
  // ---- usage windows and spend limits (402 that recovers by itself) ----
  {
    name: '402 daily limit reached, resets tomorrow',
    input: { provider: 'zai', status: 402, message: 'daily limit reached, resets tomorrow' },
    reason: 'rate_limit',
  },
  {
    name: '402 organization spending limit exceeded',
    input: {
      provider: 'openai',
      status: 402,
      bodyText: openaiShape('organization spending limit exceeded', 'billing_error', 'spending_limit'),
    },
    reason: 'rate_limit',
  },
  // ---- concurrency and gateway quota wording ----
  {
    name: 'Too many concurrent requests (no status)',
    input: {
      provider: 'moonshot',
      message: 'Too many concurrent requests for this model, please retry later.',
    },
    reason: 'rate_limit',
  },
  {
    name: 'concurrency limit reached (no status)',
    input: { provider: 'zai', message: 'Error: concurrency limit reached for your plan' },
    reason: 'rate_limit',
  },
  {
    name: 'cloudflare workers_ai gateway quota limit exceeded',
    input: {
      provider: 'cloudflare-ai-gateway',
      bodyText: JSON.stringify({
        success: false,
        errors: [{ code: 2003, message: 'workers_ai gateway: quota limit exceeded' }],
      }),
    },
    reason: 'rate_limit',
  },
  {
    name: 'vertex gRPC RESOURCE_EXHAUSTED message',
    input: {
      provider: 'google-vertex',
      message: '8 RESOURCE_EXHAUSTED: Resource exhausted. Please try again later.',
    },
    reason: 'rate_limit',
  },
  {
    name: 'ThrottlingException message only (SDK error)',
    input: { provider: 'amazon-bedrock', message: 'ThrottlingException: Too many requests, please wait.' },
    reason: 'rate_limit',
  },
]
