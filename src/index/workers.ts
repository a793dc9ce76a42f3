import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSemanticFile, loadSentenceEmbedder, type BuildSemanticFileOptions, type SemanticIdentity, type SentenceEmbedder } from '../semantic/index.js';
import type { FeatureBag } from '../text/features.js';
import type { BuildWorkerAck, BuildWorkerMessage, BuildWorkerTask, WorkerArticle } from './worker.js';

/**
 * A worker thread of the index build: compiled, `build-worker.js` beside this code in dist/; from
 * the TypeScript sources (tsx, vitest), worker.ts, once tsx's loader is registered in the thread.
 * `signal` stops it, for a build that failed meanwhile.
 */
async function startBuildWorker(task: BuildWorkerTask, signal: AbortSignal): Promise<Worker> {
  const here = import.meta.url;
  let worker: Worker;
  if (!here.endsWith('.ts')) worker = new Worker(new URL('./build-worker.js', here), { workerData: task });
  else {
    // tsx's ESM API, found through its package's exports (`import.meta.resolve` is not there under vitest).
    const manifest = createRequire(here).resolve('tsx/package.json');
    const { exports } = JSON.parse(await fs.readFile(manifest, 'utf8')) as { exports: { './esm/api': { import: { default: string } } } };
    const tsx = new URL(exports['./esm/api'].import.default, pathToFileURL(manifest)).href;
    const entry = new URL('./worker.ts', here).href;
    const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
    worker = new Worker(boot, { eval: true, workerData: task });
  }
  const stop = () => void worker.terminate();
  signal.addEventListener('abort', stop, { once: true });
  worker.once('exit', () => signal.removeEventListener('abort', stop));
  if (signal.aborted) stop();
  return worker;
}

/**
 * The worker's messages one at a time, as they come; an error it reports, or its exit before it
 * finished, is thrown. Not `events.on(worker, 'message')`: that ends only on an 'error' event, and a
 * worker that exits without a word (terminated, out of memory) must end the iteration too.
 */
async function* messagesOf(worker: Worker): AsyncGenerator<BuildWorkerMessage> {
  const queue: BuildWorkerMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: BuildWorkerMessage) => {
    queue.push(message);
    notify();
  });
  worker.once('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.once('exit', (code) => {
    failure ??= new Error(`an index build worker stopped (exit code ${code}) before it finished`);
    notify();
  });
  for (;;) {
    const message = queue.shift();
    if (message) {
      if ('error' in message) throw Object.assign(new Error(message.error.message), message.error.stack ? { stack: message.error.stack } : {});
      yield message;
    } else if (failure) throw failure;
    else await new Promise<void>((resolve) => (wake = resolve));
  }
}

/** Only what a worker reads of an article (structured clone copies whatever it is given). */
function forWorker(articles: ReadonlyArray<WorkerArticle>): WorkerArticle[] {
  return articles.map(({ id, text, sentences }) => ({ id, text, sentences }));
}

/**
 * `buildSemanticFile` in a worker thread: the build reads the lexicon and the sentences' features on
 * its own thread meanwhile (the tables are a sixth of a large corpus's build; the machine has a
 * second core). Given sources (a test's small tables), on this thread: they are not sent to another.
 */
export async function buildSemanticFileAside(options: BuildSemanticFileOptions, signal: AbortSignal): Promise<{ embedder: SentenceEmbedder; identity: SemanticIdentity } | undefined> {
  if (options.sources !== undefined) return buildSemanticFile(options);
  const worker = await startBuildWorker({ task: 'semantic', articles: forWorker(options.articles), file: options.file }, signal);
  try {
    for await (const message of messagesOf(worker)) {
      if ('progress' in message) options.onProgress?.(message.progress);
      else if ('semantic' in message) return message.semantic && { embedder: await loadSentenceEmbedder(options.file), identity: message.semantic };
    }
  } finally {
    await worker.terminate();
  }
  throw new Error('the semantic tables worker ended without its tables');
}

/**
 * Each article's sentence features (`TextAnalyzer.documentFeatures` of each sentence, with the
 * lexicon in `lexiconFile`), extracted in a worker thread and yielded in order. The worker runs at
 * most FEATURES_AHEAD articles ahead of what is taken, so a large corpus's features are never all held.
 */
export async function* sentenceFeaturesAside(lexiconFile: string, articles: ReadonlyArray<WorkerArticle>, signal: AbortSignal): AsyncGenerator<FeatureBag[]> {
  const worker = await startBuildWorker({ task: 'features', articles: forWorker(articles), lexiconFile }, signal);
  try {
    let taken = 0;
    for await (const message of messagesOf(worker)) {
      if ('done' in message) return;
      if (!('sentenceBags' in message)) continue;
      yield message.sentenceBags;
      taken += 1;
      worker.postMessage({ taken } satisfies BuildWorkerAck);
    }
  } finally {
    await worker.terminate();
  }
}
