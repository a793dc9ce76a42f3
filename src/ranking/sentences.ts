import type { Article } from '../corpus/types.js';
import type { TextAnalyzer } from '../text/analyzer.js';
import { extractConcepts, flattenConcepts } from '../text/features.js';
import { toSimplified } from '../text/script.js';

// Words that mark a cause or an explanation, in English and (Simplified) Chinese.
const REASON_CUE =
  /\b(?:because|since|due to|owing to|as a result|therefore|thus|hence|so that|lead to|led to|leads to|caus(?:e|ed|es)|reasons?|result(?:s|ed)? in|explain(?:s|ed)?|driven by|difficult|hard to)\b|因为|由于|导致|所以|因此|原因|源于|使得|造成|解释|意味着|在于|难以/iu;

/** Features of each sentence (and paragraph, and article), computed once per index and kept. */
export class SentenceFeatureCache {
  private readonly sentences = new Map<string, { features: Set<string>; givesReason: boolean }>();
  private readonly groups = new Map<string, Set<string>>();
  constructor(private readonly analyzer: TextAnalyzer) {}

  private entry(article: Article, index: number) {
    const key = `${article.id}:${index}`;
    let entry = this.sentences.get(key);
    if (!entry) {
      const sentence = article.sentences[index]!;
      const text = article.text.slice(sentence.start, sentence.end);
      const concepts = extractConcepts(text, this.analyzer.lexicon, { namesNeedCapitals: true });
      entry = { features: new Set(flattenConcepts(concepts).keys()), givesReason: REASON_CUE.test(toSimplified(text)) };
      this.sentences.set(key, entry);
    }
    return entry;
  }

  /** The set of features of an article's sentence (empty outside the article). */
  get(article: Article, index: number): Set<string> {
    return index >= 0 && index < article.sentences.length ? this.entry(article, index).features : EMPTY;
  }

  /** Whether a sentence states a cause or a reason ("because", 導致). */
  givesReason(article: Article, index: number): boolean {
    return index >= 0 && index < article.sentences.length && this.entry(article, index).givesReason;
  }

  /** The features of all sentences of a paragraph. */
  paragraph(article: Article, paragraph: number): Set<string> {
    return this.group(`${article.id}#${paragraph}`, article, (sentence) => sentence.paragraph === paragraph);
  }

  /** The features of a whole article, its title included: what the article as a whole names. */
  article(article: Article): Set<string> {
    const key = `${article.id}#*`;
    const known = this.groups.get(key);
    if (known) return known;
    const features = new Set([...this.group(`${article.id}#sentences`, article, () => true), ...this.analyzer.documentFeatures(article.meta.title).keys()]);
    this.groups.set(key, features);
    return features;
  }

  private group(key: string, article: Article, member: (sentence: Article['sentences'][number]) => boolean): Set<string> {
    let features = this.groups.get(key);
    if (!features) {
      features = new Set<string>();
      article.sentences.forEach((sentence, index) => {
        if (member(sentence)) for (const feature of this.get(article, index)) features!.add(feature);
      });
      this.groups.set(key, features);
    }
    return features;
  }
}

const EMPTY: Set<string> = new Set();
