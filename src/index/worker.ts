import { once } from 'node:events';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Article } from '../corpus/types.js';
import { buildSemanticFile, type SemanticIdentity } from '../semantic/index.js';
import { NO_STATS, TextAnalyzer } from '../text/analyzer.js';
import type { FeatureBag } from '../text/features.js';
import { loadLexicon } from '../text/lexicon.js';

/** An article as a worker needs it: its text and sentences. */
export type WorkerArticle = Pick<Article, 'id' | 'text' | 'sentences'>;

/** What an index build hands a worker thread (see workers.ts). */
export type BuildWorkerTask =
  | { task: 'semantic'; articles: WorkerArticle[]; file: string }
  | { task: 'features'; articles: WorkerArticle[]; lexiconFile: string };

/** What a worker sends back: progress lines, each article's sentence features (in order), then the end or an error. */
export type BuildWorkerMessage =
  | { progress: string }
  | { semantic: SemanticIdentity | undefined }
  | { sentenceBags: FeatureBag[] }
  | { done: true }
  | { error: { message: string; stack?: string } };

/** What the build sends a features worker: that it took the sentence features of one more article. */
export interface BuildWorkerAck {
  taken: number;
}

/** Articles a features worker may run ahead of the build taking them: their features wait in memory. */
export const FEATURES_AHEAD = 8;

/** Runs one task, sending its results and progress through `port`. */
async function run(port: MessagePort, task: BuildWorkerTask): Promise<void> {
  const send = (message: BuildWorkerMessage) => port.postMessage(message);
  if (task.task === 'semantic') {
    const built = await buildSemanticFile({ articles: task.articles, file: task.file, onProgress: (progress) => send({ progress }) });
    send({ semantic: built?.identity });
    return;
  }
  // The lexicon as the build wrote it, read as an open reads it: the same features as the build's own.
  const reader = new TextAnalyzer({ lexicon: await loadLexicon(task.lexiconFile), stats: NO_STATS });
  let taken = 0;
  port.on('message', (ack: BuildWorkerAck) => (taken = ack.taken));
  for (const [sent, article] of task.articles.entries()) {
    while (sent - taken >= FEATURES_AHEAD) await once(port, 'message');
    send({ sentenceBags: article.sentences.map((sentence) => reader.documentFeatures(article.text.slice(sentence.start, sentence.end))) });
  }
  send({ done: true });
}

// A worker thread's entry point (see workers.ts): it runs when started as one, not when imported.
if (parentPort) {
  const port = parentPort;
  run(port, workerData as BuildWorkerTask).catch((error: unknown) =>
    port.postMessage({ error: error instanceof Error ? { message: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { message: String(error) } } satisfies BuildWorkerMessage),
  );
}
