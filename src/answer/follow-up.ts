import { sentencesOf } from '../corpus/sentences.js';
import type { Lexicon } from '../text/lexicon.js';
import { extractConcepts } from '../text/features.js';
import { toSimplified } from '../text/script.js';
import { personNames } from './names.js';
import { detectAnswerKind, type AnswerKind } from '../text/question-kind.js';

/** A question as the answer path reads it, once a follow-up has been read with the previous turn. */
export interface ResolvedQuestion {
  /** What retrieval and ranking read at full weight: the question, with a pronoun replaced by whom it means. */
  text: string;
  /** The previous turn, read at lower weight; undefined when the question stands on its own. */
  context: string | undefined;
  /** The kind of answer asked for: a bare "PaaS呢?" asks what the previous question asked. */
  kind: AnswerKind;
  /** True when `text` differs from the question as typed. */
  rewritten: boolean;
}

/** Stage 0b of the answer path: reads a follow-up ("what other jobs does he have?") with the previous turn. */
export interface FollowUpResolver {
  resolve(question: string, context: string | undefined): Promise<ResolvedQuestion>;
}

/** What the resolver needs: the lexicon (names, pinyin) and a way to find what a previous question was answered with. */
export interface FollowUpDeps {
  lexicon: Lexicon;
  /** The best few passages (as text) for a question, best first: where the previous answer's subject is found. */
  answerTexts: (question: string, context: string | undefined) => Promise<string[]>;
}

// Patterns run on lower-case Simplified text, so one serves Traditional and Simplified Chinese.
const PERSONAL = /\b(?:he|she|him|his|her|hers|himself|herself)\b|他|她/u;
const OTHER_PRONOUN = /\b(?:it|its|they|them|their|this|that|these|those|there|then)\b|它|这|那|其|该|此/u;
const CONNECTIVE = /^(?:and|also|so|but|then|what about|how about|and what about|and how about|same for|what else)\b|^(?:那|那么|还有|另外|而)|呢$/u;
// A pronoun that a preposition governs points back at what was just discussed, even in a question that
// names its own subject: "what did Eddie Wu say about that?", "吴泳铭对此怎么说?".
const REFERS_BACK = /\b(?:about|of|on|after|before|behind|for|from|with|by|to|in|at|over) (?:that|this|it|them|these|those)\b|对此|就此|为此|此事|这件事|那件事|这事|那事/u;

const PERSONAL_GLOBAL = /\b(?:he|she|him|his|her|hers)\b|他們|他们|她們|她们|他|她/giu;

/** Lower-case Simplified text without closing punctuation. */
function normalise(text: string): string {
  return toSimplified(text.normalize('NFKC'))
    .toLowerCase()
    .replace(/[\s?!.。！？~～,，、…]+$/u, '')
    .trim();
}

/** Whether a question names its own subject: a name or an acronym (numbers and dates do not count). */
function namesItsSubject(question: string, lexicon: Lexicon): boolean {
  const concepts = extractConcepts(question, lexicon, { namesNeedCapitals: true });
  return concepts.some((c) => c.entityKeys && [...c.entityKeys].some((key) => !/^(?:n|p|y|m|d|ym|t):/u.test(key)));
}

function contentWords(text: string, lexicon: Lexicon): number {
  return extractConcepts(text, lexicon, { namesNeedCapitals: false }).filter((c) => !c.phrase && c.weight >= 1).length;
}

/**
 * Builds the resolver. A question leans on the previous one when it opens with "and", "what
 * about", "那", ends with "呢", asks about "that" ("对此"), or uses a pronoun without naming a subject of its own; such a
 * question is read with the previous one (at lower weight), a personal pronoun is replaced by the
 * person the previous answer named, and a bare "what about X?" keeps the previous question's kind
 * of answer. A question that stands on its own is read alone: the previous turn does not pull it away.
 */
export function createFollowUpResolver(deps: FollowUpDeps): FollowUpResolver {
  const { lexicon } = deps;

  const resolve = async (question: string, context: string | undefined, depth: number): Promise<ResolvedQuestion> => {
    const own: ResolvedQuestion = { text: question, context: undefined, kind: detectAnswerKind(question), rewritten: false };
    const lines = context?.split('\n').map((line) => line.trim()).filter(Boolean) ?? [];
    const previousQuestion = lines.at(-1);
    if (!previousQuestion) return own;

    const text = normalise(question);
    const personal = PERSONAL.test(text);
    const named = namesItsSubject(question, lexicon);
    const leans =
      CONNECTIVE.test(text) ||
      REFERS_BACK.test(text) ||
      ((personal || OTHER_PRONOUN.test(text)) && !named) ||
      // "Why?", "多少?": too little of its own to stand alone.
      (!named && contentWords(question, lexicon) <= 1);
    if (!leans) return own;

    // The previous question may itself be a follow-up (a thread's earlier turns).
    const previous = depth < 2 ? await resolve(previousQuestion, lines.slice(0, -1).join('\n') || undefined, depth + 1) : undefined;
    const previousText = previous?.text ?? previousQuestion;
    const previousKind = previous?.kind ?? detectAnswerKind(previousQuestion);
    const kind = own.kind === 'any' ? previousKind : own.kind;
    const resolved: ResolvedQuestion = { text: question, context: previousText, kind, rewritten: false };

    if (personal && !named) {
      const person = await personMeant(previousText, previous?.context, previousKind);
      if (person) {
        const replaced = question.replace(PERSONAL_GLOBAL, (pronoun) => (/^(?:his|her|hers)$/iu.test(pronoun) ? `${person}'s` : person));
        return { ...resolved, text: replaced, rewritten: replaced !== question };
      }
    }
    // "What about PaaS?" after "How big was the IaaS market?": PaaS at full weight, the previous question at less.
    return resolved;
  };

  /** Whom "he" means: the person the previous answer names when it asked "who", else the one the previous question names. */
  const personMeant = async (previousQuestion: string, previousContext: string | undefined, previousKind: AnswerKind): Promise<string | undefined> => {
    const inQuestion = personNames(previousQuestion, lexicon);
    if (previousKind !== 'person' && inQuestion[0]) return inQuestion[0];
    const asked = new Set(inQuestion.map((name) => toSimplified(name).toLowerCase()));
    for (const passage of await deps.answerTexts(previousQuestion, previousContext)) {
      const name = nameNearestTheQuestion(passage, previousQuestion, lexicon, (n) => !asked.has(toSimplified(n).toLowerCase()));
      if (name) return name;
    }
    return inQuestion[0];
  };

  return { resolve: (question, context) => resolve(question, context, 0) };
}

/** Words of a text for overlap: lower-case Latin words and Han bigrams, Simplified. */
function overlapWords(text: string): Set<string> {
  const simplified = toSimplified(text).toLowerCase();
  const words = new Set(simplified.match(/[a-z]{3,}/g) ?? []);
  for (const [run] of simplified.matchAll(/\p{Script=Han}+/gu)) for (let i = 0; i + 1 < run.length; i += 1) words.add(run.slice(i, i + 2));
  return words;
}

/**
 * The name in a passage that stands in the sentence sharing most words with the question: in "…when Zhang
 * Jianfeng initiated an overhaul… In the second year, Cai Yinghua took office", the one who "took office".
 */
function nameNearestTheQuestion(passage: string, question: string, lexicon: Lexicon, wanted: (name: string) => boolean): string | undefined {
  const asked = overlapWords(question);
  let best: { name: string; overlap: number } | undefined;
  for (const { start, end } of sentencesOf(passage)) {
    const clause = passage.slice(start, end);
    const names = personNames(clause, lexicon).filter(wanted);
    if (names.length === 0) continue;
    const overlap = [...overlapWords(clause)].filter((word) => asked.has(word)).length;
    if (!best || overlap > best.overlap) best = { name: names[0]!, overlap };
  }
  return best?.name;
}
