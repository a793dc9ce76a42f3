import { OpenAIEmbeddings } from '@langchain/openai';
import { TetherError } from '../errors.js';

/** The embeddings settings of `config.embeddings` when `EMBEDDINGS=openai`. */
export interface OpenAiEmbeddingsSettings {
  baseUrl: string | undefined;
  model: string;
  apiKey: string | undefined;
  /** Longest wait for one embeddings call, retries included (EMBEDDINGS_TIMEOUT_MS; default 15 s). */
  timeoutMs?: number;
}

/** How long an embeddings call may take, retries included, when EMBEDDINGS_TIMEOUT_MS is unset. */
export const DEFAULT_EMBEDDINGS_TIMEOUT_MS = 15_000;

/** What the index manifest records for this embedder: vectors from another identity are not comparable. */
export interface OpenAiEmbedderIdentity {
  name: 'openai';
  model: string;
  baseUrl: string;
  [parameter: string]: unknown;
}

/** Where the OpenAI client sends requests when no base URL is set. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** The identity of an OpenAI-compatible embedder, for the index manifest. */
export function describeOpenAiEmbedder(settings: OpenAiEmbeddingsSettings): OpenAiEmbedderIdentity {
  return { name: 'openai', model: settings.model, baseUrl: (settings.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '') };
}

/** LangChain's `OpenAIEmbeddings` with an `identity()` like the local embedder's. */
export class TetherOpenAIEmbeddings extends OpenAIEmbeddings {
  readonly settings: OpenAiEmbeddingsSettings;

  constructor(settings: OpenAiEmbeddingsSettings, options: { maxRetries?: number } = {}) {
    super({
      model: settings.model,
      // Local servers take no key, but the OpenAI client refuses to start without one.
      apiKey: settings.apiKey ?? 'not-needed',
      configuration: settings.baseUrl ? { baseURL: settings.baseUrl } : {},
      // Plain floats: not every compatible server implements base64 vectors.
      encodingFormat: 'float',
      // Small batches suit local servers; the corpus is small anyway.
      batchSize: 64,
      maxRetries: options.maxRetries ?? 2,
      // Each attempt gets its share of the deadline, so a hanging server leaves no request behind for long.
      timeout: Math.ceil((settings.timeoutMs ?? DEFAULT_EMBEDDINGS_TIMEOUT_MS) / ((options.maxRetries ?? 2) + 1)),
    });
    this.settings = settings;
  }

  /** What the manifest records. */
  identity(): OpenAiEmbedderIdentity {
    return describeOpenAiEmbedder(this.settings);
  }

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    return this.explainFailure(() => super.embedDocuments(texts));
  }

  override async embedQuery(text: string): Promise<number[]> {
    return this.explainFailure(() => super.embedQuery(text));
  }

  /** An unreachable or failing endpoint becomes a message a user can act on. */
  private async explainFailure<T>(call: () => Promise<T>): Promise<T> {
    const timeoutMs = this.settings.timeoutMs ?? DEFAULT_EMBEDDINGS_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    // A server that accepts the connection and never answers: stop after the deadline, with a message.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new TetherError('UPSTREAM', `The embeddings endpoint ${this.identity().baseUrl} did not answer within ${timeoutMs / 1000} s (model ${this.settings.model}).`, {
            hint: 'Check that it is running and not overloaded, raise EMBEDDINGS_TIMEOUT_MS, or set EMBEDDINGS=local and run `npm run build-index`.',
          }),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([call(), deadline]);
    } catch (error) {
      if (error instanceof TetherError) throw error;
      throw new TetherError('UPSTREAM', `The embeddings endpoint ${this.identity().baseUrl} failed (model ${this.settings.model}).`, {
        hint: 'Check that it is running and EMBEDDINGS_BASE_URL / EMBEDDINGS_MODEL are right, or set EMBEDDINGS=local and run `npm run build-index`.',
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** An embedder for an OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, vLLM, llama.cpp). */
export function createOpenAiEmbeddings(settings: OpenAiEmbeddingsSettings, options: { maxRetries?: number } = {}): TetherOpenAIEmbeddings {
  return new TetherOpenAIEmbeddings(settings, options);
}
