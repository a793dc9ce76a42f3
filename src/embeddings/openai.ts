import { OpenAIEmbeddings } from '@langchain/openai';
import { TetherError } from '../errors.js';

/** The embeddings settings of `config.embeddings` when `EMBEDDINGS=openai`. */
export interface OpenAiEmbeddingsSettings {
  baseUrl: string | undefined;
  model: string;
  apiKey: string | undefined;
}

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
    try {
      return await call();
    } catch (error) {
      throw new TetherError('UPSTREAM', `The embeddings endpoint ${this.identity().baseUrl} failed (model ${this.settings.model}).`, {
        hint: 'Check that it is running and EMBEDDINGS_BASE_URL / EMBEDDINGS_MODEL are right, or set EMBEDDINGS=local and run `npm run build-index`.',
        cause: error,
      });
    }
  }
}

/** An embedder for an OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, vLLM, llama.cpp). */
export function createOpenAiEmbeddings(settings: OpenAiEmbeddingsSettings, options: { maxRetries?: number } = {}): TetherOpenAIEmbeddings {
  return new TetherOpenAIEmbeddings(settings, options);
}
