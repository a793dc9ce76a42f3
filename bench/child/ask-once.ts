// Bench child: a cold `ask` in phases (process start, module import, index open, one answer), so the
// cold time can be broken down; prints them as one JSON line. Stands in for the CLI when it is absent.
// Usage: tsx bench/child/ask-once.ts CORPUS_DIR INDEX_DIR "question"
import { PROJECT_ROOT } from '../../src/config.js';

async function main(): Promise<void> {
  const [corpusDir, indexDir, question] = process.argv.slice(2);
  if (!corpusDir || !indexDir || !question) throw new Error('usage: ask-once.ts CORPUS_DIR INDEX_DIR "question"');
  // performance.now() counts from the process's start: what happens before is Node and tsx booting.
  const startedAt = performance.now();
  const { openTether } = await import('../../src/tether.js');
  const importedAt = performance.now();
  const tether = await openTether({ root: PROJECT_ROOT, corpusDir, indexDir });
  const openedAt = performance.now();
  const answer = await tether.ask(question);
  const answeredAt = performance.now();
  process.stdout.write(
    `${JSON.stringify({
      bootMs: startedAt,
      importMs: importedAt - startedAt,
      openMs: openedAt - importedAt,
      askMs: answeredAt - openedAt,
      totalMs: answeredAt,
      found: answer.found,
      quotes: answer.quotes.length,
      maxRssKb: process.resourceUsage().maxRSS,
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
