/**
 * A small stand-in for the core over the real corpus files, for tests that need to control the core (failures,
 * slowness) or record what the Discord layer asked it. Quotes are cut from the files by offset, so they are
 * verbatim exactly as the real core's are. Scoring is naive word overlap: good enough to present.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Answer, AskOptions, Passage, Quote, SourceInfo, Tether } from '../../src/answer/types.js';
import type { Lang } from '../../src/corpus/types.js';

interface FakeArticle {
  id: string;
  source: string;
  text: string;
  title: string;
  lang: Lang;
  paragraphs: { start: number; end: number }[];
}

/** A call the Discord layer made. */
export type TetherCall = { method: 'ask'; question: string; options: AskOptions } | { method: 'findPassages'; text: string; limit: number | undefined };

/** The fake core plus knobs for tests. */
export interface FakeTether extends Tether {
  calls: TetherCall[];
  /** Makes the next `ask` reject with this error. */
  failNextAsk(error: unknown): void;
  /** The corpus root the sources are relative to. */
  root: string;
}

/** Where the real corpus lives. */
export const projectRoot = path.resolve(import.meta.dirname, '../..');

function terms(text: string): string[] {
  const lower = text.toLowerCase();
  const words = lower.match(/[a-z0-9]{3,}/g) ?? [];
  const han = lower.match(/\p{Script=Han}/gu) ?? [];
  return [...words.filter((word) => !['the', 'and', 'why', 'what', 'did', 'was', 'how', 'who'].includes(word)), ...han];
}

function overlap(query: string[], text: string): number {
  const have = new Set(terms(text));
  return new Set(query.filter((term) => have.has(term))).size;
}

/** Loads the real corpus and returns a fake core over it. */
export function createFakeTether(corpusDir = path.join(projectRoot, 'corpus')): FakeTether {
  const articles: FakeArticle[] = fs
    .readdirSync(corpusDir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => {
      const file = path.join(corpusDir, name);
      const text = fs.readFileSync(file, 'utf8');
      const metaFile = file.replace(/\.txt$/, '.meta.json');
      const meta = fs.existsSync(metaFile) ? (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { title: string; lang: Lang }) : { title: name, lang: 'en' as Lang };
      const paragraphs: { start: number; end: number }[] = [];
      for (const match of text.matchAll(/[^\n]+/g)) {
        if (match[0].trim()) paragraphs.push({ start: match.index, end: match.index + match[0].length });
      }
      return { id: name.replace(/\.txt$/, ''), source: path.relative(projectRoot, file), text, title: meta.title, lang: meta.lang, paragraphs };
    });

  const sentences = articles.flatMap((article) =>
    article.paragraphs.flatMap((paragraph, index) => {
      const out: { article: FakeArticle; paragraph: number; start: number; end: number }[] = [];
      const body = article.text.slice(paragraph.start, paragraph.end);
      for (const match of body.matchAll(/[^.!?。!?]+[.!?。!?]*/g)) {
        const lead = match[0].length - match[0].trimStart().length;
        const start = paragraph.start + match.index + lead;
        const end = paragraph.start + match.index + match[0].trimEnd().length;
        if (end > start) out.push({ article, paragraph: index + 1, start, end });
      }
      return out;
    }),
  );

  const passage = (article: FakeArticle, paragraph: number, score: number): Passage | undefined => {
    const span = article.paragraphs[paragraph - 1];
    if (!span) return undefined;
    return { id: `${article.id}:${paragraph}`, articleId: article.id, passageId: `${article.id}:${paragraph}`, source: article.source, title: article.title, lang: article.lang, paragraph, start: span.start, end: span.end, text: article.text.slice(span.start, span.end), score };
  };

  const calls: TetherCall[] = [];
  let nextFailure: unknown;

  return {
    calls,
    root: projectRoot,
    failNextAsk(error) {
      nextFailure = error;
    },
    async ask(question, options = {}) {
      calls.push({ method: 'ask', question, options });
      if (nextFailure !== undefined) {
        const error = nextFailure;
        nextFailure = undefined;
        throw error;
      }
      const query = terms(`${question} ${options.context ?? ''}`);
      const ranked = sentences
        .map((sentence) => ({ sentence, score: overlap(query, sentence.article.text.slice(sentence.start, sentence.end)) }))
        .filter((item) => item.score > 0)
        .sort((a, b) => b.score - a.score || a.sentence.start - b.sentence.start);
      const best = ranked[0]?.score ?? 0;
      const offset = options.offset ?? 0;
      const limit = options.limit ?? 3;
      const quotes: Quote[] = ranked.slice(offset, offset + limit).map(({ sentence, score }, i) => ({
        n: offset + i + 1,
        articleId: sentence.article.id,
        passageId: `${sentence.article.id}:${sentence.paragraph}`,
        source: sentence.article.source,
        title: sentence.article.title,
        lang: sentence.article.lang,
        paragraph: sentence.paragraph,
        start: sentence.start,
        end: sentence.end,
        text: sentence.article.text.slice(sentence.start, sentence.end),
        score: Math.min(1, score / Math.max(1, query.length)),
      }));
      const found = best >= 2;
      const answer: Answer = {
        question,
        found,
        confidence: found ? 'answer' : 'none',
        answer: found ? `See the quotes [${quotes.map((quote) => quote.n).join('][')}].` : 'The sources do not cover this question.',
        quotes,
        lang: /\p{Script=Han}/u.test(question) ? 'zh-Hant' : 'en',
        answeredBy: 'fake',
        timings_ms: { total: 1 },
      };
      return answer;
    },
    async findPassages(text, options = {}) {
      calls.push({ method: 'findPassages', text, limit: options.limit });
      const query = terms(text);
      return articles
        .flatMap((article) => article.paragraphs.map((_, index) => passage(article, index + 1, 0)))
        .filter((item): item is Passage => item !== undefined)
        .map((item) => ({ ...item, score: overlap(query, item.text) }))
        .filter((item) => item.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, options.limit ?? 3);
    },
    getPassage(id) {
      const separator = id.lastIndexOf(':');
      const article = articles.find((candidate) => candidate.id === id.slice(0, separator));
      return article ? passage(article, Number(id.slice(separator + 1)), 1) : undefined;
    },
    listSources(): SourceInfo[] {
      return articles.map((article) => ({
        id: article.id,
        source: article.source,
        title: article.title,
        titleEditorial: false,
        lang: article.lang,
        publication: undefined,
        author: undefined,
        date: undefined,
        paragraphs: article.paragraphs.length,
      }));
    },
  };
}
