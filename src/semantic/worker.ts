import { parentPort, workerData } from 'node:worker_threads';
import { buildSemanticFile, type BuildSemanticFileOptions } from './index.js';

/** What the index build sends the worker: the articles and the file to write. */
export type SemanticWorkerInput = Pick<BuildSemanticFileOptions, 'articles' | 'file'>;

/** What the worker sends back: progress lines, then one result or one error. */
export type SemanticWorkerMessage =
  | { progress: string }
  | { built: { source: string; formatVersion: number } | undefined }
  | { error: { message: string; stack?: string } };

// A worker thread's entry point (see `buildSemanticFileAside`): it runs when started, not when imported elsewhere.
if (parentPort) {
  const port = parentPort;
  const input = workerData as SemanticWorkerInput;
  const send = (message: SemanticWorkerMessage) => port.postMessage(message);
  buildSemanticFile({ ...input, onProgress: (progress) => send({ progress }) }).then(
    (built) => send({ built: built?.identity }),
    (error: unknown) => send({ error: error instanceof Error ? { message: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { message: String(error) } }),
  );
}
