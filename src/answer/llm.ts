import { ChatOpenAI } from '@langchain/openai';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Logger } from '../logger.js';
import { buildMessages } from './prompt.js';
import type { AnswerDraft, AnswerRequest, Answerer, Passage } from './types.js';
import { createVerifier, type VerificationCounts } from './verify.js';

/** Why the extractive answer was used instead of the chat model's. */
export type FallbackReason =
  | 'not-found'
  | 'timeout'
  | 'rate-limited'
  | 'upstream-error'
  | 'malformed'
  | 'empty'
  | 'no-citations'
  | 'unverified-quotes';

/** How the chat model's answer was checked; `fallbackReason` is set when the extractive answer replaced it. */
export interface Verification extends VerificationCounts {
  fallbackReason?: FallbackReason;
}

/** An answer draft with its verification counts (proposed as an optional field of `AnswerDraft`). */
export interface VerifiedDraft extends AnswerDraft {
  verification: Verification;
}

/** The chat-model settings of `config.llm`. */
export interface ChatModelSettings {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  timeoutMs: number;
}

/**
 * A LangChain `ChatOpenAI` for any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp).
 * `baseUrl` includes the API prefix, e.g. `http://127.0.0.1:11434/v1`.
 */
export function createChatModel(settings: ChatModelSettings, options: { maxRetries?: number } = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: settings.model,
    // Local servers take no key, but the OpenAI client refuses to start without one.
    apiKey: settings.apiKey ?? 'not-needed',
    configuration: { baseURL: settings.baseUrl },
    timeout: settings.timeoutMs,
    // LangChain retries with 1-2 s backoff; more retries would only delay the extractive fallback.
    maxRetries: options.maxRetries ?? 1,
    // Some local servers reject `stream_options`, and usage is not needed.
    streamUsage: false,
  });
}

/** What `createLlmAnswerer` needs. */
export interface LlmAnswererDeps {
  chatModel: BaseChatModel;
  /** Answers when the model cannot: the offline extractive answerer. */
  fallback: Answerer;
  logger: Logger;
  /** Wall-clock limit for the whole model answer, streaming included. */
  timeoutMs: number;
  /** Shown as `answeredBy`; the model's own name by default. */
  name?: string;
  /** Every paragraph of the corpus: a real quote from outside the given passages is kept, not "repaired" into another. */
  corpus?: Passage[];
  /** The server's base URL, named in the log line of a failure. */
  endpoint?: string;
}

/** An Answerer whose drafts carry verification counts. */
export interface LlmAnswerer extends Answerer {
  answer(request: AnswerRequest, options?: { onAnswerText?: (textSoFar: string) => void; signal?: AbortSignal }): Promise<VerifiedDraft>;
}

const NO_COUNTS: VerificationCounts = { verified: 0, repaired: 0, dropped: 0, citationsRemoved: 0 };

function modelName(chatModel: BaseChatModel): string {
  const model: unknown = (chatModel as { model?: unknown }).model;
  return typeof model === 'string' && model !== '' ? model : chatModel.getName();
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status: unknown = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** Sorts a failed model call into a fallback reason. */
export function classifyFailure(error: unknown): FallbackReason {
  const status = statusOf(error);
  const name = error instanceof Error ? error.name : '';
  if (status === 429 || /RateLimit/i.test(name)) return 'rate-limited';
  if (name === 'TimeoutError' || /APIConnectionTimeout/.test(name)) return 'timeout';
  // A body that is not JSON, or JSON without the expected fields.
  if (error instanceof SyntaxError || error instanceof TypeError) return 'malformed';
  return 'upstream-error';
}

/** Removes the reasoning some local models print before answering (`<think>…</think>`), even unfinished. */
function withoutReasoning(text: string): string {
  return text.replace(/<think>[\s\S]*?(?:<\/think>|$)/g, '').trimStart();
}

/**
 * An Answerer that has a chat model write the answer from the retrieved passages, then verifies every
 * quote and citation against them. Whenever the model cannot give a grounded answer (no evidence, timeout,
 * error, 429, malformed output, no citation, mostly invented quotes) the fallback answers instead, and the
 * reason is logged and returned. Streamed text passed to `onAnswerText` is verified too: an unfinished
 * quote is held back until it can be checked.
 */
export function createLlmAnswerer(deps: LlmAnswererDeps): LlmAnswerer {
  const name = deps.name ?? modelName(deps.chatModel);

  const fallBack = async (
    request: AnswerRequest,
    reason: FallbackReason,
    counts: VerificationCounts,
    signal: AbortSignal | undefined,
    detail: Record<string, unknown> = {},
  ): Promise<VerifiedDraft> => {
    // One line per failure, naming the server and, for a timeout or an unreachable server, what to do.
    const where = deps.endpoint ? { url: deps.endpoint } : {};
    const fix =
      reason === 'timeout'
        ? { fix: `the model gave no answer within ${deps.timeoutMs / 1000} s: check the server, or raise LLM_TIMEOUT_MS` }
        : reason === 'upstream-error'
          ? { fix: 'check that the server runs and LLM_BASE_URL / LLM_MODEL are right (npm run doctor checks it)' }
          : {};
    deps.logger.warn({ reason, model: name, ...where, ...fix, ...counts, ...detail }, 'chat model answer not used; answering extractively');
    const draft = await deps.fallback.answer(request, signal ? { signal } : {});
    return { ...draft, verification: { ...counts, fallbackReason: reason } };
  };

  return {
    name,
    async answer(request, options = {}) {
      // An unsure decision still goes to the model: it reads the passages better than the decision can,
      // and whatever it claims is verified against them; only "not in the sources" skips it.
      if (request.confidence === 'none' || request.passages.length === 0) return fallBack(request, 'not-found', NO_COUNTS, options.signal);

      const verify = createVerifier({ passages: request.passages, quotes: request.quotes, lang: request.lang, ...(deps.corpus ? { corpus: deps.corpus } : {}) });
      const deadline = AbortSignal.timeout(deps.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
      const messages = buildMessages(request);

      let raw = '';
      try {
        if (options.onAnswerText) {
          let shown = '';
          for await (const chunk of await deps.chatModel.stream(messages, { signal })) {
            raw += chunk.text;
            const text = verify(withoutReasoning(raw), { partial: true }).text;
            if (text !== shown) {
              shown = text;
              try {
                options.onAnswerText(text);
              } catch (error) {
                // A failed progress update must not cost the answer.
                deps.logger.warn({ err: error }, 'onAnswerText failed');
              }
            }
          }
        } else {
          raw = (await deps.chatModel.invoke(messages, { signal })).text;
        }
      } catch (error) {
        // The asker gave up: nobody wants an answer, extractive or not.
        if (options.signal?.aborted) throw error;
        const reason = deadline.aborted ? 'timeout' : classifyFailure(error);
        return fallBack(request, reason, NO_COUNTS, options.signal, {
          status: statusOf(error),
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }

      const text = withoutReasoning(raw);
      if (text.trim() === '') return fallBack(request, 'empty', NO_COUNTS, options.signal);
      const verified = verify(text);
      const { counts } = verified;
      if (verified.citedPassages.length === 0) return fallBack(request, 'no-citations', counts, options.signal);
      // A model that invents more quotes than it gets right is not trusted with the rest of the answer either.
      if (counts.dropped > counts.verified + counts.repaired) return fallBack(request, 'unverified-quotes', counts, options.signal);

      deps.logger.info({ model: name, ...counts }, 'chat model answer verified');
      return { found: true, answer: verified.text, quotes: verified.quotes, answeredBy: name, verification: counts };
    },
  };
}
