import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCorpus, type Corpus } from '../../src/corpus/load.js';
import { buildSemanticFileAside, sentenceFeaturesAside } from '../../src/index/workers.js';
import { buildSemanticFile } from '../../src/semantic/index.js';
import { buildIndex, FEATURES_WORKER_MIN_SENTENCES } from '../../src/index/build.js';
import { LexicalIndex } from '../../src/index/lexical.js';
import { indexFiles } from '../../src/index/manifest.js';
import { NO_STATS, TextAnalyzer } from '../../src/text/analyzer.js';
import { loadLexicon } from '../../src/text/lexicon.js';
import { BILINGUAL_FILES } from '../support/bilingual.js';
import { makeTmpProject, type TmpProject } from '../support/corpus.js';
import { readSharedLexiconSources } from '../support/lexicon-sources.js';
import { sharedProject } from '../support/shared.js';
import { inject } from 'vitest';

let project: TmpProject | undefined;
let dir: string | undefined;
afterEach(async () => {
  await project?.remove();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  project = dir = undefined;
});

async function bilingualCorpus(): Promise<Corpus> {
  project = await makeTmpProject('semantic-worker', BILINGUAL_FILES);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-semantic-worker-'));
  return loadCorpus(project.corpusDir, project.root);
}

describe('the semantic tables built in a worker thread', () => {
  it('are the tables this thread builds, and their embedder is loaded from the file', async () => {
    const { articles } = await bilingualCorpus();
    const progress: string[] = [];
    const aside = await buildSemanticFileAside({ articles, file: path.join(dir!, 'aside.bin'), onProgress: (m) => progress.push(m) }, new AbortController().signal);
    const here = await buildSemanticFile({ articles, file: path.join(dir!, 'here.bin') });
    expect(aside?.identity).toEqual(here?.identity);
    // Byte for byte (Buffer.equals: the tables are megabytes, too many for a deep comparison).
    const [asideBytes, hereBytes] = await Promise.all([fs.readFile(path.join(dir!, 'aside.bin')), fs.readFile(path.join(dir!, 'here.bin'))]);
    expect(asideBytes.length).toBeGreaterThan(0);
    expect(asideBytes.equals(hereBytes)).toBe(true);
    // The worker's progress lines reach the build's.
    expect(progress.some((line) => line.startsWith('Semantic tables:'))).toBe(true);
    const article = articles[0]!;
    expect(Array.from(aside!.embedder.embedSentence(article, 0))).toEqual(Array.from(here!.embedder.embedSentence(article, 0)));
  });

  it("reject with the worker's error, said as it was", async () => {
    const { articles } = await bilingualCorpus();
    const file = path.join(dir!, 'no such folder', 'semantic.bin');
    await expect(buildSemanticFileAside({ articles, file }, new AbortController().signal)).rejects.toThrow(/ENOENT/);
  });

  it('stop when the build that started them is abandoned, writing nothing', async () => {
    const { articles } = await bilingualCorpus();
    const stop = new AbortController();
    const file = path.join(dir!, 'semantic.bin');
    const built = buildSemanticFileAside({ articles, file }, stop.signal);
    stop.abort();
    await expect(built).rejects.toThrow(/stopped \(exit code \d+\) before it finished/);
    await expect(fs.access(file)).rejects.toThrow();
  });
});

describe('sentence features read in a worker thread', () => {
  it("are each article's, sentence by sentence, in order, as this thread reads them with the same lexicon", async () => {
    const shipped = sharedProject('bilingual');
    const { articles } = await loadCorpus(shipped.corpusDir, shipped.root);
    const lexiconFile = indexFiles(shipped.indexDir).lexicon;
    const reader = new TextAnalyzer({ lexicon: await loadLexicon(lexiconFile), stats: NO_STATS });
    const taken: Array<Array<Array<[string, number]>>> = [];
    for await (const bags of sentenceFeaturesAside(lexiconFile, articles, new AbortController().signal)) taken.push(bags.map((bag) => [...bag]));
    const here = articles.map((article) => article.sentences.map((sentence) => [...reader.documentFeatures(article.text.slice(sentence.start, sentence.end))]));
    expect(taken).toEqual(here);
    expect(taken.flat().some((bag) => bag.length > 0)).toBe(true);
  });

  it('hand every article over to a slow taker, in order, and stop when it stops taking', async () => {
    const shipped = sharedProject('bilingual');
    const { articles } = await loadCorpus(shipped.corpusDir, shipped.root);
    // More articles than the worker may run ahead: it must wait for the taking to go on.
    const many = Array.from({ length: 20 }, (_, k) => ({ ...articles[k % articles.length]!, id: `copy-${k}` }));
    const aside = sentenceFeaturesAside(indexFiles(shipped.indexDir).lexicon, many, new AbortController().signal);
    let count = 0;
    for await (const bags of aside) {
      expect(bags).toHaveLength(many[count]!.sentences.length);
      count += 1;
      // A slow taker: the worker is well ahead by now, and still hands every article over.
      await new Promise((resolve) => setImmediate(resolve));
      if (count === 15) break;
    }
    expect(count).toBe(15);
  });

  it("reject with the worker's error when the lexicon cannot be read", async () => {
    const { articles } = await bilingualCorpus();
    const aside = sentenceFeaturesAside(path.join(dir!, 'no-lexicon.tsv'), articles, new AbortController().signal);
    await expect(aside.next()).rejects.toThrow(/ENOENT/);
  });

  it("index a large corpus with two in three articles' features from the worker, each in its place", async () => {
    // Thirty articles of seventy sentences, each sentence its own (article and sentence numbers, a harbour, a Chinese clause).
    const files: Record<string, string> = {};
    for (let a = 0; a < 30; a += 1) {
      const sentences = Array.from({ length: 70 }, (_, s) => `Report ${a} says ship ${s} reached harbour ${a * 100 + s}. 第${s}艘船抵達${a}號港口。`);
      files[`report-${String(a).padStart(2, '0')}.txt`] = `Harbour report ${a}\n\n${sentences.join(' ')}\n`;
    }
    project = await makeTmpProject('features-aside', files);
    const corpus = await loadCorpus(project.corpusDir, project.root);
    expect(corpus.articles.reduce((sum, article) => sum + article.sentences.length, 0)).toBeGreaterThanOrEqual(FEATURES_WORKER_MIN_SENTENCES);
    const lexiconSources = await readSharedLexiconSources(inject('sharedIndexes').lexiconSourcesFile);
    await buildIndex({ corpus, indexDir: project.indexDir, lexiconSources, semanticSources: null });

    const stored = indexFiles(project.indexDir);
    const reader = new TextAnalyzer({ lexicon: await loadLexicon(stored.lexicon), stats: NO_STATS });
    const lexical = LexicalIndex.open(stored.lexical);
    try {
      for (const article of corpus.articles) {
        article.sentences.forEach((sentence, index) => {
          const stored = new Set(lexical.sentenceFeatures(article.id, index));
          expect(stored, `${article.id} sentence ${index}`).toEqual(new Set(reader.documentFeatures(article.text.slice(sentence.start, sentence.end)).keys()));
        });
      }
    } finally {
      lexical.close();
    }
  });
});
