import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NO_STATS, TextAnalyzer } from '../text/analyzer.js';
import type { FeatureBag } from '../text/features.js';
import { lexiconFromFile, type LexiconFile } from '../text/lexicon.js';

/**
 * A dictionary of a few words, enough for the probe texts to take every path of feature reading:
 * compounds and their parts, a name with its English key, a transliteration and its sounds.
 */
const PROBE_LEXICON: LexiconFile = {
  version: 4,
  source: 'reading probe',
  syllables: ['a', 'ba', 'er', 'ka', 'li', 'ming', 'niu', 'si', 'wu', 'yong'],
  glosses: new Map([
    ['技術', 'technolog'],
    ['收入', 'take incom revenu'],
    ['紐卡斯爾', '^newcastl'],
    ['阿里巴巴', '^alibaba'],
    ['雲', 'cloud'],
    ['首席技術官', 'chief/3 technolog/3 offic/3'],
  ]),
  properNouns: ['紐卡斯爾', '阿里巴巴'],
  transliterations: ['紐卡斯爾'],
  phoneticChars: '斯57爾39卡40紐30',
  englishWords: 'cloud revenue',
  synonyms: { revenu: 'incom' },
  related: {},
  variants: {},
  maxWordLength: 5,
};

/** Passages of each language the corpus may be in, taking every rule of reading: names, figures, number words, dates, ordinals, decades, both scripts. A new rule gets a phrase here. */
const PROBE_TEXTS = {
  en: [
    'Wu Yongming took over Alibaba Cloud on 10 September 2023; its revenue rose 2% to 27.6 billion yuan in the third quarter, twenty-one years after the nineteen-nineties.',
    "In May, one of the spin-off's backers, Joe Tsai, said growth went from zero to 100b in the 1990s, with 5k users and 2.5m servers: the ninth such plan since Newcastle's experienced founder died and its focus exceeded.",
  ],
  zh: ['阿里巴巴首席技術官表示,阿里雲收入同比增長2%至276.48億元,紐卡斯爾的吳泳銘於去年9月10日第九次接任。', '阿里云在2023年上半年的收入为一千亿元。'],
} as const;

/** The languages features are read in, as an article's `lang` begins. */
export type ReadingLanguage = keyof typeof PROBE_TEXTS;

/** Every language features are read in. */
export const READING_LANGUAGES = Object.keys(PROBE_TEXTS) as ReadingLanguage[];

/** Beside the compiled code (`dist/`): its fingerprints, saved by the build that made it (bin/dist.mjs). */
export const READING_FILE = 'reading.json';

/** How documents are read into features: the analyzer's way unless a test says otherwise. */
export type DocumentReader = (analyzer: TextAnalyzer, text: string) => FeatureBag;

const documentFeatures: DocumentReader = (analyzer, text) => analyzer.documentFeatures(text);

/** The language whose reading an article's features depend on. */
export function readingLanguage(lang: string): ReadingLanguage {
  return lang.startsWith('zh') ? 'zh' : 'en';
}

let computed: Map<ReadingLanguage, string> | undefined;

/** The fingerprints saved beside the compiled code, if this is it; none under tsx (no such file beside the sources). */
function savedFingerprints(): Map<ReadingLanguage, string> {
  try {
    const saved = JSON.parse(readFileSync(new URL(READING_FILE, import.meta.url), 'utf8')) as Partial<Record<ReadingLanguage, unknown>>;
    return new Map(READING_LANGUAGES.flatMap((language) => (typeof saved[language] === 'string' ? [[language, saved[language]] as const] : [])));
  } catch {
    return new Map();
  }
}

/**
 * What the features stored in an index were read with, per language of its articles: a hash of
 * the features this code reads from fixed texts with a fixed dictionary. Code that reads text
 * otherwise (a stemmer, a number rule, the segmentation) gives another, and an index built before
 * is rebuilt rather than matched against questions read another way; neither the corpus hash nor
 * the chunk ids can see that. Only the languages asked for are read: an English corpus's open
 * never starts the Chinese segmenter.
 */
export function readingFingerprints(languages: Iterable<ReadingLanguage>, read: DocumentReader = documentFeatures): Partial<Record<ReadingLanguage, string>> {
  // This code's own fingerprints are kept (and may come from the build); another reader's are not.
  const remembered = read === documentFeatures ? (computed ??= savedFingerprints()) : undefined;
  const fingerprints: Partial<Record<ReadingLanguage, string>> = {};
  for (const language of new Set(languages)) {
    let fingerprint = remembered?.get(language);
    if (fingerprint === undefined) {
      fingerprint = probe(PROBE_TEXTS[language], read);
      remembered?.set(language, fingerprint);
    }
    fingerprints[language] = fingerprint;
  }
  return fingerprints;
}

/** Whether features recorded as read with `recorded` (a manifest's `reading`) are read the same way by this code. */
export function readsAsRecorded(recorded: Partial<Record<ReadingLanguage, string>>): boolean {
  const languages = READING_LANGUAGES.filter((language) => recorded[language] !== undefined);
  const now = readingFingerprints(languages);
  return languages.every((language) => now[language] === recorded[language]);
}

function probe(texts: readonly string[], read: DocumentReader): string {
  const analyzer = new TextAnalyzer({ lexicon: lexiconFromFile(PROBE_LEXICON), stats: NO_STATS });
  const hash = createHash('sha256');
  for (const text of texts) {
    const features = [...read(analyzer, text)].map(([feature, weight]) => `${feature}=${weight.toPrecision(6)}`).sort();
    hash.update(`${features.join('\n')}\n\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
