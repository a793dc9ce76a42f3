import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkArticle } from '../../src/corpus/chunk.js';
import { decodeText, htmlToText } from '../../src/corpus/formats.js';
import { loadCorpus, readArticleText } from '../../src/corpus/load.js';
import { openTether } from '../../src/tether.js';
import { EN_TEXT, ZH_TEXT } from '../support/bilingual.js';
import { makeTmpDir } from '../support/corpus.js';

const tmpDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tmpDirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

/** A temp project whose corpus folder holds `files` (name → bytes or UTF-8 text). */
async function projectWith(files: Record<string, string | Uint8Array>): Promise<{ root: string; corpusDir: string; indexDir: string }> {
  const root = await makeTmpDir('formats');
  tmpDirs.push(root);
  const corpusDir = path.join(root, 'corpus');
  await fs.mkdir(corpusDir);
  for (const [name, content] of Object.entries(files)) await fs.writeFile(path.join(corpusDir, name), content);
  return { root, corpusDir, indexDir: path.join(root, 'index') };
}

/** UTF-16 bytes of a text, little- or big-endian, without a BOM. */
function utf16(text: string, endian: 'le' | 'be'): Buffer {
  const bytes = Buffer.from(text, 'utf16le');
  return endian === 'le' ? bytes : bytes.swap16();
}

const MARKDOWN = `# Harbour notes\n\nThe **harbour** lights were _repaired_ in May, says [the port](https://example.org).\n\n- Two cranes were replaced.\n`;
const HTML = `<!doctype html><html><head><title>Riverside</title><style>p { color: red }</style><script>var secret = 1;</script></head>
<body><nav><a href="/">Home</a></nav><h1>Riverside news</h1>
${EN_TEXT.split('\n\n').map((paragraph) => `<p>${paragraph.replace('Mr. Right', 'Mr.&nbsp;Right &amp; co.')}</p>`).join('\n')}
</body></html>`;

describe('decoding corpus files', () => {
  it('reads UTF-16 without a BOM, either byte order, and with one', () => {
    const text = `${ZH_TEXT}\nThe bridge cost 1.5 billion.\n`;
    expect(decodeText(utf16(text, 'le'))).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeText(utf16(text, 'be'))).toEqual({ text, encoding: 'utf-16be' });
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16(text, 'le')]))).toEqual({ text, encoding: 'utf-16le' });
  });

  it('keeps a UTF-8 BOM, as a plain read does, so offsets match the file', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Hello.\n')]);
    expect(decodeText(bytes)?.text).toBe(bytes.toString('utf8'));
  });

  it('refuses other encodings rather than guess them', () => {
    expect(decodeText(Buffer.from('Café au lait, déjà vu.\n', 'latin1'))).toBeUndefined();
    // "中文新聞" in GBK, with ASCII around it.
    expect(decodeText(Buffer.from([0x41, 0x3a, 0x20, 0xd6, 0xd0, 0xce, 0xc4, 0xd0, 0xc2, 0xc5, 0x9d, 0x0a]))).toBeUndefined();
  });

  it('extracts what a reader sees from HTML: no markup, scripts or styles, entities decoded, one blank line between blocks', () => {
    const text = htmlToText(HTML);
    expect(text).not.toMatch(/[<>]|secret|color|Home/);
    expect(text).toContain('Mr.\u00a0Right & co.');
    expect(text.startsWith('Riverside news\n\nThe Riverside Museum opened')).toBe(true);
  });
});

describe('loading a corpus of mixed files', () => {
  it('accepts .md and .html articles and UTF-16 text, lists what it skips, and keeps every chunk a verbatim span', async () => {
    const project = await projectWith({
      'harbour.md': MARKDOWN,
      'riverside.html': HTML,
      'riverside-zh.txt': utf16(`${ZH_TEXT}\n`, 'le'),
      'legacy.txt': Buffer.from('Café au lait, déjà vu.\n', 'latin1'),
      'README.md': '# About this corpus\n\nNot an article.\n',
      'scan.pdf': '%PDF-1.4',
      'twin.txt': 'A text article.\n',
      'twin.md': 'A Markdown article of the same name.\n',
    });
    const corpus = await loadCorpus(project.corpusDir, project.root);

    // In file-name order ('-' sorts before '.').
    expect(corpus.articles.map((article) => article.id)).toEqual(['harbour', 'riverside-zh', 'riverside', 'twin']);
    expect(corpus.skipped).toEqual([
      { source: 'corpus/legacy.txt', reason: expect.stringMatching(/not UTF-8 or UTF-16 text: save it as UTF-8/) },
      { source: 'corpus/scan.pdf', reason: expect.stringMatching(/not an article format/) },
      { source: 'corpus/twin.txt', reason: expect.stringMatching(/same name as twin\.md/) },
    ]);
    const byId = new Map(corpus.articles.map((article) => [article.id, article]));
    expect(byId.get('harbour')?.text, 'Markdown is kept as written').toBe(MARKDOWN);
    expect(byId.get('riverside')?.source).toBe('corpus/riverside.html');
    expect(byId.get('riverside')?.meta.title).toBe('Riverside news');
    expect(byId.get('riverside-zh')?.text).toBe(`${ZH_TEXT}\n`);

    for (const article of corpus.articles) {
      const stored = await readArticleText(project.root, article.source);
      for (const chunk of chunkArticle(article)) expect(stored.slice(chunk.start, chunk.end)).toBe(chunk.text);
    }
  });

  it('changes its hash when a skipped file is fixed', async () => {
    const project = await projectWith({ 'a.txt': 'One article.\n', 'b.txt': Buffer.from('Café.\n', 'latin1') });
    const before = await loadCorpus(project.corpusDir, project.root);
    await fs.writeFile(path.join(project.corpusDir, 'b.txt'), 'Café.\n');
    const after = await loadCorpus(project.corpusDir, project.root);
    expect(before.skipped).toHaveLength(1);
    expect(after.skipped).toEqual([]);
    expect(after.hash).not.toBe(before.hash);
  });

  it('is a CORPUS error when every article is skipped, naming why', async () => {
    const project = await projectWith({ 'legacy.txt': Buffer.from('Café au lait.\n', 'latin1') });
    await expect(loadCorpus(project.corpusDir, project.root)).rejects.toMatchObject({ code: 'CORPUS', message: expect.stringMatching(/legacy\.txt: not UTF-8/) });
  });
});

describe('answering from HTML and Markdown articles', () => {
  it('quotes the extracted text verbatim, names the HTML file, and warns about a skipped file instead of failing', async () => {
    const project = await projectWith({ 'riverside.html': HTML, 'harbour.md': MARKDOWN, 'legacy.txt': Buffer.from('Café au lait.\n', 'latin1') });
    const progress: string[] = [];
    const tether = await openTether({ ...project, semanticSources: null, onProgress: (m) => progress.push(m) });
    expect(progress).toContainEqual(expect.stringMatching(/Skipped corpus\/legacy\.txt: not UTF-8/));

    for (const [question, source] of [
      ['What did the Riverside Museum open?', 'corpus/riverside.html'],
      ['When were the harbour lights repaired?', 'corpus/harbour.md'],
    ] as const) {
      const answer = await tether.ask(question);
      expect(answer.confidence, question).not.toBe('none');
      expect(answer.quotes[0]?.source).toBe(source);
      for (const quote of answer.quotes) {
        const stored = await readArticleText(project.root, quote.source);
        expect(stored.slice(quote.start, quote.end)).toBe(quote.text);
      }
    }
  });
});
