import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTICLE_RULES_VERSION, loadCorpus, type ArticleDerivation } from '../../src/corpus/load.js';
import { chunkArticle, DEFAULT_CHUNKING } from '../../src/corpus/chunk.js';
import { splitParagraphs, splitSentences } from '../../src/corpus/sentences.js';
import type { Article } from '../../src/corpus/types.js';
import { chunkCorpus } from '../../src/index/build.js';
import { detectLang } from '../../src/text/script.js';
import { EN_TEXT, ZH_TEXT } from '../support/bilingual.js';
import { makeTmpProject, REPO_ROOT, type TmpProject } from '../support/corpus.js';

const projects: TmpProject[] = [];
afterAll(async () => {
  await Promise.all(projects.map((project) => project.remove()));
});

/** Texts that exercise every rule: abbreviations, initials, closing quotes, soft line breaks, scripts. */
const RULE_TEXTS = [
  EN_TEXT,
  ZH_TEXT,
  'George W. Bush met J. K. Rowling. 他培养了冯·卡门、A．Ｌ．纳戴等人。 It was Plan B. Then it ended.',
  'Steam enters at 565 °C. Water boils at 212 °F. It cools.',
  'Mr. Right said "it is done." Then he left!\n“好。”他說。她問：「真的嗎？」\r\n\r\nNew paragraph? yes, lower case goes on.',
  '阿里云推出了Qwen模型。It is open source! 开发者可以下载。\n\n\n   \n最後一段（完）',
  '𠀀𪚥第一句，Cloud revenue grew 2% (U.S. Inc. etc.). Dr. Who? No. 1 again.',
  'line one\nline two\nline three',
  // Its script only shows in a phrase (分布, 分佈 in Traditional), not in any one character.
  '紫冠雉分布在哪些地方？',
  // ICU ends a sentence after an opening bracket that follows a full stop.
  '有些學者提出質疑。《保元物語》中並沒有記載。「刑人」一說見下。',
  '',
];

/** What the article rules give for a text: paragraphs, sentences, chunks (small ones too) and language. */
function derive(text: string): unknown {
  const paragraphs = splitParagraphs(text);
  const sentences = splitSentences(text, paragraphs);
  const article: Article = { id: 'a', source: 'a.txt', text, meta: { title: 'a', titleEditorial: false, lang: 'en', publication: undefined, author: undefined, date: undefined, notes: undefined }, paragraphs, sentences };
  const chunks = [DEFAULT_CHUNKING, { maxSize: 80, overlapSentences: 1 }].map((options) => chunkArticle(article, options).map((chunk) => [chunk.id, chunk.sentenceIndexes]));
  return [paragraphs, sentences, chunks, detectLang(text)];
}

describe('the article rules', () => {
  it('give what ARTICLE_RULES_VERSION stands for: bump it (and this fingerprint) when they change', async () => {
    const corpusDir = path.join(REPO_ROOT, 'corpus');
    const articles = (await fs.readdir(corpusDir)).filter((name) => name.endsWith('.txt')).sort();
    const texts = [...RULE_TEXTS, ...(await Promise.all(articles.map((name) => fs.readFile(path.join(corpusDir, name), 'utf8'))))];
    const fingerprint = createHash('sha256').update(JSON.stringify(texts.map(derive))).digest('hex').slice(0, 16);
    // Indexes keep what the rules derived and reuse it while the version is the same: a change of the
    // rules without a new version would leave old indexes with the old sentences.
    expect({ version: ARTICLE_RULES_VERSION, fingerprint }).toEqual({ version: 5, fingerprint: '0f6672c068df0b20' });
  });

  it('are not run again for an article whose file an index derived (same digest), and are for one that changed', async () => {
    const project = await makeTmpProject('article-rules', { 'a.txt': `${EN_TEXT}\n`, 'b.txt': `${ZH_TEXT}\n` });
    projects.push(project);
    const fresh = await loadCorpus(project.corpusDir, project.root);
    const digest = (id: string) => fresh.readings.get(id)!.digest;
    expect(fresh.readings.get('b')?.inferredLang).toBe('zh-Hant');
    // Derivations an index could not have made (one sentence a paragraph, another language), to tell reuse from splitting.
    const marked = (id: string, digestOf: string): ArticleDerivation => {
      const article = fresh.articles.find((a) => a.id === id)!;
      return { digest: digestOf, inferredLang: 'zh-Hans', sentences: article.paragraphs.map((p, i) => ({ ...p, paragraph: i + 1 })), chunks: article.paragraphs.map((_, i) => ({ first: i, last: i })) };
    };
    const known = new Map([
      ['a', marked('a', digest('a'))],
      ['b', marked('b', 'the digest of another text')],
    ]);
    // Stored sentences that do not fit the text (a damaged index) are not used either.
    const damaged = await loadCorpus(project.corpusDir, project.root, {
      known: new Map([['a', { ...marked('a', digest('a')), sentences: [{ start: 0, end: EN_TEXT.length + 50, paragraph: 1 }] }]]),
    });
    expect(damaged.articles[0]!.sentences).toEqual(fresh.articles[0]!.sentences);
    const reread = await loadCorpus(project.corpusDir, project.root, { known });
    const [a, b] = reread.articles;
    expect(a!.sentences).toEqual(known.get('a')!.sentences);
    expect(a!.meta.lang).toBe('zh-Hans');
    expect(b).toEqual(fresh.articles[1]);
    expect(reread.hash).toBe(fresh.hash);
    expect(reread.readings).toEqual(new Map([['a', { digest: digest('a'), inferredLang: 'zh-Hans', chunks: known.get('a')!.chunks }], ['b', fresh.readings.get('b')]]));
    // Its chunks are the index's too: one a paragraph here, as the marked derivation says.
    expect(chunkCorpus(reread).filter((chunk) => chunk.articleId === 'a').map((chunk) => chunk.text)).toEqual(a!.paragraphs.map((p) => a!.text.slice(p.start, p.end)));
  });
});
