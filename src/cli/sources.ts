import path from 'node:path';
import type { Config } from '../config.js';
import { loadCorpus, type SkippedFile } from '../corpus/load.js';
import type { Lang } from '../corpus/types.js';
import { INDEX_FORMAT_VERSION, readManifest, type Manifest } from '../index/manifest.js';
import { readsAsRecorded } from '../index/reading.js';

/** One article as `npm run sources` lists it. */
export interface SourceArticle {
  source: string;
  title: string;
  lang: Lang;
  paragraphs: number;
  sentences: number;
  chars: number;
}

/** The state of the index against the corpus it should hold. */
export type IndexState =
  | { state: 'missing'; dir: string }
  | { state: 'unreadable'; dir: string; error: string }
  | { state: 'stale' | 'current'; dir: string; builtAt: string; ageMs: number; chunks: number; embedder: string; reason?: string };

/** What is indexed: the articles, the files of the corpus folder that are not read, and the index. */
export interface SourcesReport {
  corpusDir: string;
  articles: SourceArticle[];
  /** Files in the corpus folder that are not indexed, each with why (the corpus loader's own list). */
  skipped: SkippedFile[];
  index: IndexState;
}

/** Reads the corpus and the index manifest (never builds anything) and says what is indexed. */
export async function describeSources(config: Pick<Config, 'root' | 'corpusDir' | 'indexDir'>, now = Date.now()): Promise<SourcesReport> {
  const corpus = await loadCorpus(config.corpusDir, config.root);
  const articles = corpus.articles.map((article) => ({
    source: article.source,
    title: article.meta.title,
    lang: article.meta.lang,
    paragraphs: article.paragraphs.length,
    sentences: article.sentences.length,
    chars: article.text.length,
  }));
  return { corpusDir: config.corpusDir, articles, skipped: corpus.skipped, index: await indexState(config.indexDir, corpus.hash, now) };
}

/** Why an index would be rebuilt before it answers, undefined when it is current. */
function staleness(manifest: Manifest, corpusHash: string): string | undefined {
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return 'built by another version of Tether';
  if (!readsAsRecorded(manifest.reading)) return 'built by a version of Tether that read text otherwise';
  if (manifest.corpus.hash !== corpusHash) return 'the corpus changed since it was built';
  return undefined;
}

async function indexState(dir: string, corpusHash: string, now: number): Promise<IndexState> {
  let manifest;
  try {
    manifest = await readManifest(dir);
  } catch (error) {
    return { state: 'unreadable', dir, error: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
  if (!manifest) return { state: 'missing', dir };
  const reason = staleness(manifest, corpusHash);
  return {
    state: reason ? 'stale' : 'current',
    dir,
    builtAt: manifest.builtAt,
    ageMs: Math.max(0, now - Date.parse(manifest.builtAt)),
    chunks: manifest.counts.chunks,
    embedder: manifest.embedder.name,
    ...(reason ? { reason } : {}),
  };
}

/** "3 minutes", "2 days": how long ago, for people. */
export function formatAge(ms: number): string {
  const units: Array<[string, number]> = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  for (const [unit, size] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return 'less than a minute';
}

/** One line per article, then the totals and the index state with what to run when it is not current. */
export function formatSources(report: SourcesReport, root: string): string {
  const lines = report.articles.map(
    (a) => `${a.source}  ${a.lang}  ${a.paragraphs} paragraphs, ${a.sentences} sentences  "${a.title}"`,
  );
  const languages = [...new Set(report.articles.map((a) => a.lang))].join(', ');
  const totals = report.articles.reduce((sum, a) => ({ paragraphs: sum.paragraphs + a.paragraphs, sentences: sum.sentences + a.sentences }), { paragraphs: 0, sentences: 0 });
  lines.push('', `${report.articles.length} articles (${languages}): ${totals.paragraphs} paragraphs, ${totals.sentences} sentences.`);
  for (const file of report.skipped) lines.push(`Not indexed: ${file.source} (${file.reason}).`);
  const dir = path.relative(root, report.index.dir) || '.';
  const index = report.index;
  if (index.state === 'missing') lines.push(`Index: none in ${dir} yet; the first \`npm run ask\` builds it, or run \`npm run build-index\`.`);
  else if (index.state === 'unreadable') lines.push(`Index: unreadable in ${dir} (${index.error}); run \`npm run build-index\`.`);
  else {
    const age = `built ${formatAge(index.ageMs)} ago (${index.builtAt}), ${index.chunks} chunks, embedder ${index.embedder}`;
    lines.push(index.state === 'current' ? `Index: ${dir}, current: ${age}.` : `Index: ${dir}, STALE (${index.reason}): ${age}; the next \`npm run ask\` rebuilds it, or run \`npm run build-index\`.`);
  }
  return lines.join('\n');
}
