import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkArticle, weightedLength } from '../../src/corpus/chunk.js';
import { loadCorpus, type Corpus } from '../../src/corpus/load.js';
import type { Article } from '../../src/corpus/types.js';
import { chunkCorpus } from '../../src/index/build.js';
import { EN_TEXT, ZH_TEXT } from '../support/bilingual.js';
import { makeTmpProject, REPO_ROOT, type TmpProject } from '../support/corpus.js';

const projects: TmpProject[] = [];
afterAll(async () => {
  await Promise.all(projects.map((project) => project.remove()));
});

async function corpusOf(files: Record<string, string>): Promise<Corpus> {
  const project = await makeTmpProject('chunking', files);
  projects.push(project);
  return loadCorpus(project.corpusDir, project.root);
}

async function articleOf(text: string): Promise<Article> {
  const corpus = await corpusOf({ 'a.txt': text });
  return corpus.articles[0]!;
}

function sentenceTexts(article: Article): string[] {
  return article.sentences.map((s) => article.text.slice(s.start, s.end));
}

// What a sentence must never start with: whitespace, or what closes or ends the previous sentence.
const BAD_SENTENCE_START = /^[\s”’"'」』）)\]】》〉。！？.!?，,；;：:、]/u;

/** Every structural promise chunking makes about one article, checked against the file on disk. */
async function expectWellFormed(article: Article, root: string): Promise<void> {
  const fileText = await fs.readFile(path.resolve(root, article.source), 'utf8');
  expect(article.text).toBe(fileText);

  let previousEnd = 0;
  for (const paragraph of article.paragraphs) {
    expect(paragraph.start).toBeGreaterThanOrEqual(previousEnd);
    expect(fileText.slice(paragraph.start, paragraph.end).trim()).toBe(fileText.slice(paragraph.start, paragraph.end));
    previousEnd = paragraph.end;
  }

  previousEnd = 0;
  for (const sentence of article.sentences) {
    const text = fileText.slice(sentence.start, sentence.end);
    const paragraph = article.paragraphs[sentence.paragraph - 1];
    expect(paragraph, `paragraph ${sentence.paragraph} exists`).toBeDefined();
    expect(sentence.start).toBeGreaterThanOrEqual(paragraph!.start);
    expect(sentence.end).toBeLessThanOrEqual(paragraph!.end);
    expect(sentence.start, `sentences are in order and do not overlap: ${text}`).toBeGreaterThanOrEqual(previousEnd);
    expect(text.length).toBeGreaterThan(0);
    expect(text, 'a sentence never starts with whitespace or closing punctuation').not.toMatch(BAD_SENTENCE_START);
    expect(text, 'a sentence never ends with whitespace').not.toMatch(/\s$/u);
    previousEnd = sentence.end;
  }

  const chunks = chunkArticle(article);
  const covered = new Set<number>();
  for (const chunk of chunks) {
    expect(chunk.text).toBe(fileText.slice(chunk.start, chunk.end));
    expect(chunk.id).toBe(`${article.id}:${chunk.start}-${chunk.end}`);
    expect(chunk.text).not.toMatch(BAD_SENTENCE_START);
    const first = article.sentences[chunk.sentenceIndexes[0]!]!;
    const last = article.sentences[chunk.sentenceIndexes.at(-1)!]!;
    expect(chunk.start).toBe(first.start);
    expect(chunk.end).toBe(last.end);
    for (const i of chunk.sentenceIndexes) {
      expect(article.sentences[i]!.paragraph, 'a chunk never crosses a paragraph').toBe(chunk.paragraph);
      covered.add(i);
    }
  }
  expect(covered.size, 'every sentence is in some chunk').toBe(article.sentences.length);
  expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
}

describe('chunking the real corpus', () => {
  it('keeps offsets that round-trip exactly into each source file', async () => {
    const corpus = await loadCorpus(path.join(REPO_ROOT, 'corpus'), REPO_ROOT);
    expect(corpus.articles.length).toBeGreaterThanOrEqual(2);
    for (const article of corpus.articles) await expectWellFormed(article, REPO_ROOT);
    expect(new Set(corpus.articles.map((a) => a.meta.lang))).toEqual(new Set(['en', 'zh-Hant']));
  });

  it('gives the same chunk ids on every run', async () => {
    const dir = path.join(REPO_ROOT, 'corpus');
    const first = chunkCorpus(await loadCorpus(dir, REPO_ROOT)).map((chunk) => chunk.id);
    const second = chunkCorpus(await loadCorpus(dir, REPO_ROOT)).map((chunk) => chunk.id);
    expect(second).toEqual(first);
    expect(first.length).toBeGreaterThan(10);
  });
});

describe('paragraphs', () => {
  it('splits blank-line-separated paragraphs, joining the lines inside one', async () => {
    const article = await articleOf('First paragraph, line one.\nStill the first paragraph.\n\n  Second paragraph.  \n\n\n\nThird one.\n');
    expect(article.paragraphs.map((p) => article.text.slice(p.start, p.end))).toEqual([
      'First paragraph, line one.\nStill the first paragraph.',
      'Second paragraph.',
      'Third one.',
    ]);
    await expectWellFormed(article, projects.at(-1)!.root);
  });

  it('reads one paragraph a line when there are no blank lines, with LF or CRLF', async () => {
    for (const newline of ['\n', '\r\n']) {
      const article = await articleOf(['第一段。', '　第二段，有全形空格縮排。', 'Third.'].join(newline) + newline);
      expect(article.paragraphs.map((p) => article.text.slice(p.start, p.end))).toEqual(['第一段。', '第二段，有全形空格縮排。', 'Third.']);
      await expectWellFormed(article, projects.at(-1)!.root);
    }
  });

  it('keeps one paragraph a line when the file merely starts or ends with blank lines', async () => {
    const article = await articleOf('\n\nLine one.\nLine two.\nLine three.\n\n\n');
    expect(article.paragraphs.map((p) => article.text.slice(p.start, p.end))).toEqual(['Line one.', 'Line two.', 'Line three.']);
    await expectWellFormed(article, projects.at(-1)!.root);
  });

  it('treats blank lines holding only spaces (or CRLF) as separators', async () => {
    const article = await articleOf('One.\r\n \r\nTwo.\r\n\r\nThree.');
    expect(article.paragraphs).toHaveLength(3);
    await expectWellFormed(article, projects.at(-1)!.root);
  });
});

describe('sentences', () => {
  it('ends Chinese sentences at 。！？ and keeps a closing quote with its own sentence', async () => {
    const article = await articleOf('他說：“我們會繼續投入。”隨後離開了會場！記者問：「何時公佈？」他沒有回答。');
    expect(sentenceTexts(article)).toEqual(['他說：“我們會繼續投入。”', '隨後離開了會場！', '記者問：「何時公佈？」', '他沒有回答。']);
    await expectWellFormed(article, projects.at(-1)!.root);
  });

  it('keeps an opening bracket or quote after a full stop with the sentence it opens', async () => {
    const article = await articleOf('學者對其真實性提出質疑。《保元物語》中並沒有記載。「坂本耕作」因母親去世而孤獨一人。（見下文。）');
    expect(sentenceTexts(article)).toEqual(['學者對其真實性提出質疑。', '《保元物語》中並沒有記載。', '「坂本耕作」因母親去世而孤獨一人。', '（見下文。）']);
    await expectWellFormed(article, projects.at(-1)!.root);
  });

  it('keeps English closing quotes and brackets with their sentence', async () => {
    const article = await articleOf('He said, “We will go on.” Then he left. (It rained.) The end came "soon." Later, it stopped.');
    const sentences = sentenceTexts(article);
    expect(sentences[0]).toBe('He said, “We will go on.”');
    expect(sentences).toContain('Then he left.');
    expect(sentences.at(-1)).toBe('Later, it stopped.');
    await expectWellFormed(article, projects.at(-1)!.root);
  });

  it('splits a hard-wrapped paragraph at sentence ends, not at line ends', async () => {
    const article = await articleOf(
      'Wu Yongming is the\nCEO of Alibaba Group. He also\r\nleads the cloud unit.\n\n阿里雲仍是六大業務集團中\n增速最慢的那一個。它決定\n。不再分拆。\n',
    );
    expect(article.paragraphs).toHaveLength(2);
    expect(sentenceTexts(article)).toEqual([
      'Wu Yongming is the\nCEO of Alibaba Group.',
      'He also\r\nleads the cloud unit.',
      '阿里雲仍是六大業務集團中\n增速最慢的那一個。',
      '它決定\n。',
      '不再分拆。',
    ]);
    await expectWellFormed(article, projects.at(-1)!.root);
  });

  it('does not split after abbreviations such as "Mr. Right"', async () => {
    const article = await articleOf('Everyone waited for Mr. Right to arrive. Dr. Lee and Prof. Chen spoke in Jan. 2023 about the U.S. market. It ended.');
    expect(sentenceTexts(article)).toEqual([
      'Everyone waited for Mr. Right to arrive.',
      'Dr. Lee and Prof. Chen spoke in Jan. 2023 about the U.S. market.',
      'It ended.',
    ]);
  });

  it("does not split after a name's initial, in English or Chinese text", async () => {
    // A sentence that ends in a lone capital ("Plan B.") is joined with the next: the price of keeping initials whole.
    const article = await articleOf('George W. Bush met J. K. Rowling. 他培养了冯·卡门、A．Ｌ．纳戴等人。 It was Plan B. Then it ended.');
    expect(sentenceTexts(article)).toEqual(['George W. Bush met J. K. Rowling.', '他培养了冯·卡门、A．Ｌ．纳戴等人。', 'It was Plan B. Then it ended.']);
  });

  it('handles mixed English and Chinese in one paragraph, and the fixture texts', async () => {
    const corpus = await corpusOf({ 'mixed.txt': '阿里雲推出了Qwen模型。It is open source! 開發者可以下載。', 'en.txt': EN_TEXT, 'zh.txt': ZH_TEXT });
    for (const article of corpus.articles) await expectWellFormed(article, projects.at(-1)!.root);
    const mixed = corpus.articles.find((a) => a.id === 'mixed')!;
    expect(sentenceTexts(mixed)).toEqual(['阿里雲推出了Qwen模型。', 'It is open source!', '開發者可以下載。']);
  });
});

describe('chunks', () => {
  it('splits a long paragraph into chunks within the size limit, overlapping by one sentence', async () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `雲計算業務在第${i + 1}季度繼續增長，客戶數量也隨之上升。`);
    const article = await articleOf(`${sentences.join('')}\n\nShort closing paragraph.`);
    await expectWellFormed(article, projects.at(-1)!.root);
    const chunks = chunkArticle(article, { maxSize: 200, overlapSentences: 1 });
    const first = chunks.filter((chunk) => chunk.paragraph === 1);
    expect(first.length).toBeGreaterThan(3);
    for (const chunk of first) expect(weightedLength(chunk.text)).toBeLessThanOrEqual(200);
    for (let i = 1; i < first.length; i += 1) {
      expect(first[i]!.sentenceIndexes[0], 'the next chunk repeats the last sentence').toBe(first[i - 1]!.sentenceIndexes.at(-1));
    }
    expect(chunks.at(-1)!.text).toBe('Short closing paragraph.');
  });

  it('fills each chunk as far as the limit allows, weighing every Han character (in or beyond the BMP) alike', async () => {
    // 𠀀 and 𪚥 are Han characters outside the BMP: two UTF-16 units each, one character.
    const sentences = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `𠀀𪚥第${i}句，Cloud revenue grew.` : i % 3 === 1 ? `Sentence ${i} has only English words.` : `雲計算第${i}句。`));
    const article = await articleOf(sentences.join(' '));
    const limit = 120;
    const chunks = chunkArticle(article, { maxSize: limit, overlapSentences: 1 });
    for (const chunk of chunks) {
      expect(weightedLength(chunk.text)).toBeLessThanOrEqual(limit);
      const next = article.sentences[chunk.sentenceIndexes.at(-1)! + 1];
      // Only the paragraph's last chunk may stop short of the limit.
      if (next && chunk !== chunks.at(-1)) expect(weightedLength(article.text.slice(chunk.start, next.end))).toBeGreaterThan(limit);
    }
    expect(chunks.length).toBeGreaterThan(3);
  });

  it('keeps chunk ids stable when another article is added or a later paragraph changes', async () => {
    const base = await corpusOf({ 'a.txt': EN_TEXT, 'b.txt': ZH_TEXT });
    const grown = await corpusOf({ 'a.txt': `${EN_TEXT}\n\nA new closing paragraph.`, 'b.txt': ZH_TEXT, 'c.txt': 'Another article.' });
    const ids = (corpus: Corpus, articleId: string) => chunkCorpus(corpus).filter((c) => c.articleId === articleId).map((c) => c.id);
    expect(ids(grown, 'b')).toEqual(ids(base, 'b'));
    expect(ids(grown, 'a').slice(0, ids(base, 'a').length)).toEqual(ids(base, 'a'));
    expect(base.hash).not.toBe(grown.hash);
  });
});
