import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { z } from 'zod';
import type { Lang } from '../corpus/types.js';
import { TetherError } from '../errors.js';
import type { EvalCase } from './metrics.js';

/**
 * Public reading-comprehension sets (SQuAD format, in `../shared/datasets`) turned into Tether
 * corpora and eval cases. The split is fixed: articles at even 0-based positions in their file are
 * TRAIN (tune and train on them), odd positions are TEST (report on them). Refusal variants of each
 * corpus leave out whole articles (`position % 4` is 2 or 3: their questions are out of corpus) and
 * one paragraph of every other article with two or more (`position % paragraphs`: its questions are
 * near misses; the article's other questions are controls that must still be answered), and ask
 * a few questions of another public set (unrelated: about other articles altogether, as off-topic
 * chat is to a small corpus).
 */

/** The public sets `npm run eval -- --dataset` knows. */
export const DATASET_NAMES = ['xquad', 'drcd', 'cmrc'] as const;
/** One public set. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Which half of a file's articles a case comes from: even positions train, odd ones test. */
export type Split = 'train' | 'test';
/** A split to run, or both. */
export type SplitChoice = Split | 'all';

/**
 * Question language → corpus language; `zht` is Traditional Chinese, `zh` Simplified, `en+zht` a
 * corpus holding every article in both English and Traditional Chinese.
 */
export type Direction = 'en-en' | 'zh-zh' | 'en-zh' | 'zh-en' | 'zht-zht' | 'en-zht' | 'zht-en' | 'zh-zht' | 'en-en+zht' | 'zh-en+zht' | 'zht-en+zht';

/**
 * A case's part in a refusal run: refused because its article or its paragraph is missing, or
 * because it is another set's question (unrelated), or a control that must be answered.
 */
export type RefusalRole = 'out-of-corpus' | 'near-miss' | 'unrelated' | 'control';

/**
 * One question of a public set. `kind` is the direction for an answerable question and `none` for
 * one that must be refused (as `summarise` expects); `expect` holds the answer texts in the corpus
 * language (empty for `none`).
 */
export interface DatasetCase extends EvalCase {
  split: Split;
  direction: Direction;
  /** Set in refusal runs only. */
  refusal?: RefusalRole;
  /** The question's id in the dataset file (shared by parallel files). */
  questionId: string;
  /** 0-based position of the question's article in its file; its parity is the split. */
  position: number;
  /** 0-based index of the answering context in its corpus article as published (before any removal; in a bilingual set, in its half). */
  paragraph: number;
  /** The article's title as published. */
  title: string;
}

/** One corpus variant to ask questions of, with its cases. */
export interface DatasetRun {
  /** Corpus variant name, e.g. `xquad-en` or `xquad-en-refusal`; also its cache folder's name. */
  name: string;
  dataset: DatasetName;
  /** True for a refusal variant (articles and paragraphs left out). */
  refusal: boolean;
  /** Folder of `.txt` articles (with `.meta.json` sidecars), written under the cache folder. */
  corpusDir: string;
  /** Where the run's index is kept between runs. */
  indexDir: string;
  /** What quote `source` paths of this run are relative to: pass it as `root` to `openTether`. */
  root: string;
  cases: DatasetCase[];
}

/** Options for `prepareDatasetRuns`. */
export interface PrepareDatasetRunsOptions {
  /** The project root: defaults for the other folders are resolved against it. */
  root: string;
  /** Folder holding the SQuAD-format files; `<root>/../shared/datasets` by default. */
  datasetsDir?: string;
  /** Where corpora and indexes are written; `<root>/.cache/datasets` by default. */
  cacheDir?: string;
  datasets: readonly DatasetName[];
  split: SplitChoice;
  /**
   * At most this many cases per group (direction, and refusal role in refusal runs), picked by a
   * hash of the case id: the same cases every time, spread over all articles.
   */
  perKindLimit?: number;
  /** Also build the refusal variants (default true). */
  refusal?: boolean;
}

/** Where the public sets live by default: next to the project, in `../shared/datasets`. */
export function defaultDatasetsDir(root: string): string {
  return path.join(root, '..', 'shared', 'datasets');
}

/** Where dataset corpora and their indexes are cached by default (gitignored). */
export function defaultDatasetCacheDir(root: string): string {
  return path.join(root, '.cache', 'datasets');
}

/** The split of an article at a 0-based position in its file. */
export function splitOf(position: number): Split {
  return position % 2 === 0 ? 'train' : 'test';
}

/** True when a refusal variant leaves out the article at this position (its questions are out of corpus). */
export function isLeftOut(position: number): boolean {
  return position % 4 >= 2;
}

/** The 0-based context a refusal variant removes from a kept article, or undefined when it has only one. */
export function removedParagraph(position: number, paragraphs: number): number | undefined {
  return paragraphs >= 2 ? position % paragraphs : undefined;
}

const squadSchema = z.object({
  data: z.array(
    z.object({
      title: z.string(),
      paragraphs: z.array(
        z.object({
          context: z.string(),
          qas: z.array(
            z.object({
              id: z.union([z.string(), z.number()]).transform(String),
              question: z.string(),
              answers: z.array(z.object({ text: z.string() })),
            }),
          ),
        }),
      ),
    }),
  ),
});

/** A question as published: its answer texts, distinct, in file order. */
interface SourceQuestion {
  id: string;
  question: string;
  answers: string[];
}

/** An article as published, at its position in the file. */
interface SourceArticle {
  position: number;
  /** Set in a mixed-language set, where it differs from article to article. */
  lang?: Lang;
  title: string;
  contexts: Array<{ context: string; questions: SourceQuestion[] }>;
}

/** A dataset file read into articles, in one language. */
interface SourceSet {
  lang: Lang;
  articles: SourceArticle[];
}

type SetKey = 'xquad-en' | 'xquad-zh' | 'xquad-zht' | 'xquad-mixed' | 'xquad-parallel' | 'xquad-bilingual' | 'drcd' | 'cmrc';

/**
 * A corpus built from one set, and which sets' questions are asked of it (a direction per asker, or
 * per article language in a mixed set); in its refusal variant, which other sets' questions are
 * asked as unrelated ones (when their set is among those run).
 */
interface CorpusSpec {
  name: SetKey;
  dataset: DatasetName;
  questions: Array<{ direction: Direction | ((articleLang: Lang) => Direction); from: SetKey }>;
  unrelated?: Array<{ direction: Direction; from: SetKey }>;
}

/** Unrelated questions taken of each article of another set: the first question of its first paragraphs. */
const UNRELATED_PER_ARTICLE = 2;

const toEnglishOrTraditional = (asker: 'en' | 'zh' | 'zht') => (lang: Lang): Direction => `${asker}-${lang === 'en' ? 'en' : 'zht'}` as Direction;

/** Each XQuAD question in English, Simplified and Traditional, of a corpus whose articles are in English or Traditional. */
const ASKED_IN_EACH_LANGUAGE: CorpusSpec['questions'] = [
  { direction: toEnglishOrTraditional('en'), from: 'xquad-en' },
  { direction: toEnglishOrTraditional('zh'), from: 'xquad-zh' },
  { direction: toEnglishOrTraditional('zht'), from: 'xquad-zht' },
];

const CORPORA: readonly CorpusSpec[] = [
  {
    name: 'xquad-en',
    dataset: 'xquad',
    questions: [{ direction: 'en-en', from: 'xquad-en' }, { direction: 'zh-en', from: 'xquad-zh' }, { direction: 'zht-en', from: 'xquad-zht' }],
    unrelated: [{ direction: 'zh-en', from: 'cmrc' }, { direction: 'zht-en', from: 'drcd' }],
  },
  { name: 'xquad-zh', dataset: 'xquad', questions: [{ direction: 'zh-zh', from: 'xquad-zh' }, { direction: 'en-zh', from: 'xquad-en' }], unrelated: [{ direction: 'zh-zh', from: 'cmrc' }] },
  { name: 'xquad-zht', dataset: 'xquad', questions: [{ direction: 'zht-zht', from: 'xquad-zht' }, { direction: 'en-zht', from: 'xquad-en' }], unrelated: [{ direction: 'zht-zht', from: 'drcd' }] },
  // Like Tether's own corpus: English and Traditional Chinese articles side by side, each article in one language only,
  // so a question's answer may be in its language or the other, and the other language's articles are distractors.
  {
    name: 'xquad-mixed',
    dataset: 'xquad',
    questions: ASKED_IN_EACH_LANGUAGE,
  },
  // Also like Tether's own corpus, where both articles tell the same events: every article in English and in
  // Traditional Chinese, so the answer is in both languages and a quote in either counts.
  {
    name: 'xquad-parallel',
    dataset: 'xquad',
    questions: [
      { direction: 'en-en+zht', from: 'xquad-en' },
      { direction: 'zh-en+zht', from: 'xquad-zh' },
      { direction: 'zht-en+zht', from: 'xquad-zht' },
    ],
  },
  // Closest to Tether's own corpus, where two articles in two languages tell the same events but each holds facts
  // the other lacks: every article split in two, its paragraphs alternating between an English and a Traditional
  // Chinese article, so the other language's half is a distractor on the very same topic.
  {
    name: 'xquad-bilingual',
    dataset: 'xquad',
    questions: ASKED_IN_EACH_LANGUAGE,
  },
  { name: 'drcd', dataset: 'drcd', questions: [{ direction: 'zht-zht', from: 'drcd' }], unrelated: [{ direction: 'en-zht', from: 'xquad-en' }] },
  { name: 'cmrc', dataset: 'cmrc', questions: [{ direction: 'zh-zh', from: 'cmrc' }], unrelated: [{ direction: 'en-zh', from: 'xquad-en' }] },
];

type TwoLanguageKey = 'xquad-mixed' | 'xquad-parallel' | 'xquad-bilingual';

/** The sets made of XQuAD in English and in Traditional Chinese, each by how it combines the two. */
const TWO_LANGUAGE_SETS: Record<TwoLanguageKey, (en: SourceSet, zht: SourceSet) => SourceSet> = {
  'xquad-mixed': mixedSet,
  'xquad-parallel': parallelSet,
  'xquad-bilingual': bilingualSet,
};

function isTwoLanguageKey(key: SetKey): key is TwoLanguageKey {
  return Object.hasOwn(TWO_LANGUAGE_SETS, key);
}

const FILES: Record<Exclude<SetKey, 'xquad-zht' | TwoLanguageKey>, { file: string; lang: Lang }> = {
  'xquad-en': { file: 'xquad-dev.en.json', lang: 'en' },
  'xquad-zh': { file: 'xquad-dev.zh.json', lang: 'zh-Hans' },
  drcd: { file: 'drcd-dev.json', lang: 'zh-Hant' },
  cmrc: { file: 'cmrc2018-dev.json', lang: 'zh-Hans' },
};

/**
 * Writes the corpora of the chosen sets (and their refusal variants) under the cache folder and
 * returns one run per corpus variant with its cases of the chosen split. Files are rewritten only
 * when their content changes, so each run's cached index stays valid between calls.
 */
export async function prepareDatasetRuns(options: PrepareDatasetRunsOptions): Promise<DatasetRun[]> {
  const datasetsDir = options.datasetsDir ?? defaultDatasetsDir(options.root);
  const cacheDir = options.cacheDir ?? defaultDatasetCacheDir(options.root);
  await assertDatasetsDir(datasetsDir);
  const sets = new Map<SetKey, Promise<SourceSet>>();
  const load = (key: SetKey): Promise<SourceSet> => {
    let set = sets.get(key);
    if (!set) {
      set =
        key === 'xquad-zht'
          ? load('xquad-zh').then(toTraditionalSet)
          : isTwoLanguageKey(key)
            ? Promise.all([load('xquad-en'), load('xquad-zht')]).then(([en, zht]) => TWO_LANGUAGE_SETS[key](en, zht))
            : readSourceSet(path.join(datasetsDir, FILES[key].file), FILES[key].lang);
      sets.set(key, set);
    }
    return set;
  };

  const runs: DatasetRun[] = [];
  const datasetOf = (key: SetKey) => CORPORA.find((corpus) => corpus.name === key)?.dataset;
  for (const spec of CORPORA.filter((corpus) => options.datasets.includes(corpus.dataset))) {
    const corpusSet = await load(spec.name);
    const askers = await Promise.all(spec.questions.map(async ({ direction, from }) => ({ direction, set: await load(from) })));
    const unrelatedAskers = await Promise.all(
      (spec.unrelated ?? []).filter(({ from }) => options.datasets.some((name) => name === datasetOf(from))).map(async ({ direction, from }) => ({ direction, set: await load(from) })),
    );
    for (const refusal of options.refusal === false ? [false] : [false, true]) {
      const name = refusal ? `${spec.name}-refusal` : spec.name;
      const runRoot = cacheDir;
      const corpusDir = path.join(cacheDir, name, 'corpus');
      const articles = refusal ? refusalArticles(corpusSet.articles) : corpusSet.articles;
      await writeCorpus(corpusDir, articles, corpusSet.lang);
      const cases = askers.flatMap(({ direction, set }) => buildCases(corpusSet, set, direction, refusal));
      if (refusal) cases.push(...unrelatedAskers.flatMap(({ direction, set }) => unrelatedCases(articles, set, direction)));
      const chosen = cases.filter((c) => options.split === 'all' || c.split === options.split);
      runs.push({
        name,
        dataset: spec.dataset,
        refusal,
        corpusDir,
        indexDir: path.join(cacheDir, name, 'index'),
        root: runRoot,
        cases: options.perKindLimit === undefined ? chosen : sampleByGroup(chosen, options.perKindLimit),
      });
    }
  }
  return runs;
}

async function assertDatasetsDir(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new TetherError('CORPUS', `No public QA sets in ${dir}.`, {
      hint: 'They are optional and live in ../shared/datasets next to the project (see its README); pass --datasets-dir to read them from elsewhere.',
    });
  }
}

async function readSourceSet(file: string, lang: Lang): Promise<SourceSet> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new TetherError('CORPUS', `Cannot read the dataset ${file}.`, { hint: 'It should be a SQuAD-format JSON file (see ../shared/datasets/README.md).', cause: error });
  }
  const parsed = squadSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TetherError('CORPUS', `${path.basename(file)} is not in SQuAD format (${parsed.error.issues[0]?.path.join('.') ?? ''}).`, {
      hint: 'Restore it from ../shared/datasets.',
    });
  }
  return {
    lang,
    articles: parsed.data.data.map((article, position) => ({
      position,
      title: article.title,
      contexts: article.paragraphs.map((paragraph) => ({
        context: paragraph.context,
        questions: paragraph.qas.map((qa) => ({ id: qa.id, question: qa.question, answers: [...new Set(qa.answers.map((a) => a.text))] })),
      })),
    })),
  };
}

let toTraditional: ((text: string) => string) | undefined;

/** The Simplified set in Taiwan Traditional characters: contexts, questions and answers alike, so answers stay spans of their contexts. */
function toTraditionalSet(set: SourceSet): SourceSet {
  toTraditional ??= OpenCC.Converter({ from: 'cn', to: 'tw' }) as (text: string) => string;
  const convert = toTraditional;
  return {
    lang: 'zh-Hant',
    articles: set.articles.map((article) => ({
      position: article.position,
      title: convert(article.title),
      contexts: article.contexts.map(({ context, questions }) => ({
        context: convert(context),
        questions: questions.map((q) => ({ id: q.id, question: convert(q.question), answers: q.answers.map(convert) })),
      })),
    })),
  };
}

/**
 * Which language a mixed set's article is in: the first set's at positions where `position +
 * floor(position / 4)` is even, the second's elsewhere (en, zh, en, zh, then zh, en, zh, en, ...).
 * Alternating, and shifted by one every four articles, so each split (position parity) and each
 * refusal group (kept or left out, by `position % 4`) holds both languages over every eight articles.
 */
export function mixedLanguageIsFirst(position: number): boolean {
  return (position + Math.floor(position / 4)) % 2 === 0;
}

function mixedSet(first: SourceSet, second: SourceSet): SourceSet {
  return {
    lang: first.lang,
    articles: first.articles.map((article, i) => (mixedLanguageIsFirst(i) ? { ...article, lang: first.lang } : { ...second.articles[i]!, lang: second.lang })),
  };
}

/** Both sets' articles side by side, each in its own language: an article and its translation at the same position. */
function parallelSet(first: SourceSet, second: SourceSet): SourceSet {
  return {
    lang: first.lang,
    articles: first.articles.flatMap((article, i) => [{ ...article, lang: first.lang }, ...(second.articles[i] ? [{ ...second.articles[i], lang: second.lang }] : [])]),
  };
}

/**
 * Which language a bilingual set's paragraph is in: the first set's where `paragraph + position` is
 * even, so each article's first paragraph alternates between the languages from article to article.
 */
function bilingualParagraphIsFirst(position: number, paragraph: number): boolean {
  return (paragraph + position) % 2 === 0;
}

/** Each article as two, one per language, its paragraphs alternating between them (an article of one paragraph stays whole). */
function bilingualSet(first: SourceSet, second: SourceSet): SourceSet {
  return {
    lang: first.lang,
    articles: first.articles.flatMap((article, i) => {
      const translation = second.articles[i];
      const halves: SourceArticle[] = [
        { ...article, lang: first.lang, contexts: article.contexts.filter((_, p) => !translation || bilingualParagraphIsFirst(i, p)) },
        ...(translation ? [{ ...translation, lang: second.lang, contexts: translation.contexts.filter((_, p) => !bilingualParagraphIsFirst(i, p)) }] : []),
      ];
      return halves.filter((half) => half.contexts.length > 0);
    }),
  };
}

/** A refusal variant's articles: left-out positions dropped, one context removed from each other article with two or more. */
function refusalArticles(articles: SourceArticle[]): SourceArticle[] {
  return articles
    .filter((article) => !isLeftOut(article.position))
    .map((article) => {
      const removed = removedParagraph(article.position, article.contexts.length);
      return { ...article, contexts: article.contexts.filter((_, i) => i !== removed) };
    });
}

/** Where a question sits in the corpus set, with its answers in the corpus language. */
interface Located {
  article: SourceArticle;
  paragraph: number;
  answers: string[];
}

/**
 * The cases of one direction: each question of `asker` located by id in `corpus` (the same set, or
 * its parallel translation) and expected to be answered with the corpus language's answer texts.
 */
function buildCases(corpus: SourceSet, asker: SourceSet, directionOf: Direction | ((articleLang: Lang) => Direction), refusal: boolean): DatasetCase[] {
  // In a parallel set a question is found twice, once per language: either language's answer counts.
  const byId = new Map<string, Located>();
  for (const article of corpus.articles) {
    article.contexts.forEach(({ questions }, paragraph) => {
      for (const q of questions) {
        const found = byId.get(q.id);
        byId.set(q.id, found ? { ...found, answers: [...new Set([...found.answers, ...q.answers])] } : { article, paragraph, answers: q.answers });
      }
    });
  }
  const cases: DatasetCase[] = [];
  for (const article of asker.articles) {
    for (const { questions } of article.contexts) {
      for (const q of questions) {
        const located = byId.get(q.id);
        if (!located) continue;
        const { article: home, paragraph, answers } = located;
        const direction = typeof directionOf === 'string' ? directionOf : directionOf(home.lang ?? corpus.lang);
        const role = refusal ? refusalRole(home, paragraph) : undefined;
        const answerable = role === undefined || role === 'control';
        cases.push({
          id: `${direction}:${q.id}`,
          kind: answerable ? direction : 'none',
          question: q.question,
          expect: answerable ? answers : [],
          split: splitOf(home.position),
          direction,
          ...(role ? { refusal: role } : {}),
          questionId: q.id,
          position: home.position,
          paragraph,
          title: home.title,
        });
      }
    }
  }
  return cases;
}

/**
 * Questions of another set asked of a corpus, which must be refused: the first question of each
 * article's first paragraphs, split by their own article's position. One whose answer the corpus
 * happens to hold (a year, a name two encyclopedias share) is left out.
 */
function unrelatedCases(corpus: SourceArticle[], asker: SourceSet, direction: Direction): DatasetCase[] {
  const text = corpus.flatMap((article) => article.contexts.map(({ context }) => context)).join('\n');
  return asker.articles.flatMap((article) =>
    article.contexts.slice(0, UNRELATED_PER_ARTICLE).flatMap(({ questions }, paragraph) => {
      const [q] = questions;
      if (!q || q.answers.some((answer) => text.includes(answer))) return [];
      return [
        {
          id: `${direction}:unrelated:${q.id}`,
          kind: 'none',
          question: q.question,
          expect: [],
          split: splitOf(article.position),
          direction,
          refusal: 'unrelated' as const,
          questionId: q.id,
          position: article.position,
          paragraph,
          title: article.title,
        },
      ];
    }),
  );
}

function refusalRole(article: SourceArticle, paragraph: number): RefusalRole {
  if (isLeftOut(article.position)) return 'out-of-corpus';
  return removedParagraph(article.position, article.contexts.length) === paragraph ? 'near-miss' : 'control';
}

/** At most `limit` cases per direction and refusal role, chosen by a hash of their id, in their original order. */
function sampleByGroup(cases: DatasetCase[], limit: number): DatasetCase[] {
  const groups = new Map<string, DatasetCase[]>();
  for (const c of cases) {
    const key = `${c.direction}/${c.refusal ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  const hash = (id: string) => createHash('sha256').update(id).digest('hex');
  const kept = new Set<DatasetCase>();
  for (const group of groups.values()) {
    const ordered = group.map((c) => ({ c, h: hash(c.questionId) })).sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
    for (const { c } of ordered.slice(0, limit)) kept.add(c);
  }
  return cases.filter((c) => kept.has(c));
}

/** An article's file name without extension: its 4-digit position, then an ASCII slug of its title when it has one. */
export function articleFileStem(position: number, title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  const number = String(position).padStart(4, '0');
  return slug ? `${number}-${slug}` : number;
}

/**
 * Writes one `.txt` per article (its contexts as published, separated by a blank line) and a
 * `.meta.json` with its title and language; removes articles no longer wanted. Unchanged files are
 * not touched.
 */
async function writeCorpus(dir: string, articles: SourceArticle[], lang: Lang): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const wanted = new Map<string, string>();
  for (const article of articles) {
    const plainStem = articleFileStem(article.position, article.title);
    // A parallel or bilingual set has two articles at each position: the second is told apart by its language.
    const stem = wanted.has(`${plainStem}.txt`) ? `${plainStem}-${article.lang ?? lang}` : plainStem;
    wanted.set(`${stem}.txt`, `${article.contexts.map((c) => c.context).join('\n\n')}\n`);
    // A blank title (CMRC has one) is left out: the article's first line then names it.
    const title = article.title.replace(/_/g, ' ').trim();
    const articleLang = article.lang ?? lang;
    wanted.set(`${stem}.meta.json`, `${JSON.stringify(title ? { title, lang: articleLang } : { lang: articleLang }, null, 2)}\n`);
  }
  for (const name of await fs.readdir(dir)) {
    if ((name.endsWith('.txt') || name.endsWith('.meta.json')) && !wanted.has(name)) await fs.rm(path.join(dir, name));
  }
  for (const [name, text] of wanted) {
    const file = path.join(dir, name);
    const existing = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (existing !== text) await fs.writeFile(file, text, 'utf8');
  }
}
