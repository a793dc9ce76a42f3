// Bench child: brings the index of a corpus up to date in a fresh process (what `npm run build-index`
// does after articles were added or removed) and prints the update's time as one JSON line.
// Usage: tsx bench/child/update-index.ts CORPUS_DIR INDEX_DIR
import { PROJECT_ROOT } from '../../src/config.js';
import { refreshIndex } from '../../src/index/open.js';

async function main(): Promise<void> {
  const [corpusDir, indexDir] = process.argv.slice(2);
  if (!corpusDir || !indexDir) throw new Error('usage: update-index.ts CORPUS_DIR INDEX_DIR');
  const startedAt = performance.now();
  const messages: string[] = [];
  const index = await refreshIndex({ corpusDir, indexDir, root: PROJECT_ROOT, onProgress: (message) => messages.push(message) });
  const doneAt = performance.now();
  index.lexical.close();
  // The update's own time, as its message says it ("… in 1.2 s"), beside the whole call's (corpus read and open included).
  const said = messages.map((message) => /^Updated the index: .* in (\d+(?:\.\d+)?) s\.$/.exec(message)).find(Boolean);
  process.stdout.write(`${JSON.stringify({ updated: said !== undefined, updateMs: said ? Number(said[1]) * 1000 : undefined, totalMs: doneAt - startedAt, messages })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
