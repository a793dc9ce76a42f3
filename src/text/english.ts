import { createRequire } from 'node:module';
import { stemmer } from 'stemmer';

// Function words and question words: they say how a question is asked, not what it is about.
const ENGLISH_STOPWORDS = new Set(
  `a about after against all am an and any are as at be because been before being between both but by
  can could did do does doing during each few for from further had has have having he her here hers herself him himself
  his how i if in into is it its itself just me more most my myself no nor not now of on once only or other our ours
  ourselves own same she should so some such than that the their theirs them themselves then there these they this
  those through to too until very was we were what when where which while who whom why will with would you your
  yours yourself yourselves also may might must shall s t didn doesn isn wasn weren wouldn couldn shouldn ever even
  still yet ago tell say said says according much many whose whether within without upon via per us let lot get got one's
  sth sb someone something oneself etc percentage proportion anyone anything anybody anywhere everyone everything
  everybody everywhere somebody somewhere nobody nothing`.split(/\s+/),
);

// Words of a request or of chat, not of its topic: "can you quote what they said, tbh?". Only a
// question's: in an article "quote" or "thing" is what they mean.
const ENGLISH_REQUEST_WORDS = new Set(
  `quote quotes quoted quoting cite cites mention mentions mentioned actually really basically exactly gonna wanna gotta
  kinda sorta lol lmao btw tbh imo imho ngl fyi idk dunno omg pls plz please thanks thx hey hi yo ok okay yeah yep yup nah
  nope um uh hmm huh stuff thing things rn`.split(/\s+/),
);

// Chat spellings of common words, as Discord users type them ("how many yrs", "gov clients",
// "didnt"): read as the word they stand for, in questions only (in an article "rev" may be a title).
const CHAT_SHORTHAND = new Map(
  `yr year yrs years rev revenue revs revenues gov government govt government govts governments mgmt management
  biz business intl international dept department depts departments exec executive execs executives approx approximately
  info information abt about bc because cuz because coz because w with wo without thru through tho though
  wat what wut what wht what u you ur your r are y why n and pls please ppl people em them smth something sth something
  smb somebody sb somebody ya you yall you didnt did dont do doesnt does isnt is wasnt was werent were arent are cant can
  wont will wouldnt would couldnt could shouldnt should hasnt has havent have hadnt had thats that whats what whos who
  hows how wheres where whens when whyd why whatd what howd how whered where whod who shes she hes he theyre they
  youre you im i ive i teh the`
    .trim()
    .split(/\s+/)
    .reduce<Array<[string, string]>>((pairs, word, i, words) => (i % 2 === 0 ? [...pairs, [word, words[i + 1]!]] : pairs), []),
);

/** The word a chat spelling stands for ("yrs" → "years", "didnt" → "did"), or the word itself. */
export function expandChatShorthand(lower: string): string {
  return CHAT_SHORTHAND.get(lower) ?? lower;
}

// A quarter or half year as business chat writes it, "Q3 revenue", "in H1": the letter right before its number (not the H of "Fielding H. Garrison").
const PERIOD_LETTERS: Record<string, string> = { q: 'quarter', h: 'half' };

/** The word a question's token stands for: its chat spelling's word, or the period a Q or H before a number names. */
export function expandQuestionToken(token: LatinToken, text: string): string {
  const period = PERIOD_LETTERS[token.lower];
  if (period && /^[1-4](?!\d)/.test(text.slice(token.end))) return period;
  return expandChatShorthand(token.lower);
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * The stems `known` accepts of the words one edit away from a misspelt word ("hybird" → hybrid,
 * "divison" → division, "alibba" → alibaba): a letter dropped, two neighbours swapped, one
 * replaced or one added (Norvig's corrector; npm's spell checkers need a whole dictionary and
 * would not know a corpus's names, which are what users misspell most).
 */
export function oneEditStems(lower: string, known: (stem: string) => boolean): string[] {
  const found = new Set<string>();
  const consider = (word: string) => {
    const stem = stemWord(word);
    if (known(stem)) found.add(stem);
  };
  for (let i = 0; i <= lower.length; i += 1) {
    const head = lower.slice(0, i);
    const tail = lower.slice(i);
    if (tail) consider(head + tail.slice(1));
    if (tail.length > 1) consider(head + tail[1]! + tail[0]! + tail.slice(2));
    for (const letter of LETTERS) {
      if (tail && letter !== tail[0]) consider(head + letter + tail.slice(1));
      consider(head + letter + tail);
    }
  }
  return [...found];
}

/** Whether a question's token is the "kind" of "what kind of …" (type, sort, form): it asks for a kind, the noun after it is the topic. */
export function asksForAKind(tokens: readonly LatinToken[], i: number): boolean {
  const word = tokens[i]!.lower;
  if (tokens[i + 1]?.lower !== 'of') return false;
  if (/^(?:kind|type|sort|form)s?$/.test(word)) return /^(?:what|which)$/.test(tokens[i - 1]?.lower ?? '');
  // "What is the name of the team?": the name is what is asked, not a word the answer says.
  return word === 'name' && tokens[i - 1]?.lower === 'the' && tokens.slice(0, i).some((token) => /^(?:what|which)$/.test(token.lower));
}

/** True for a word saying "now" as a question puts it ("currently", "nowadays", the "days" of "these days"): like "now", no topic. */
export function saysNow(tokens: readonly LatinToken[], i: number): boolean {
  const word = tokens[i]!.lower;
  return /^(?:currently|presently|nowadays)$/.test(word) || (word === 'days' && tokens[i - 1]?.lower === 'these');
}

// Laughter as chat stretches it: lol, lolll, lmaooo, hahaha, hehe.
const LAUGHTER = /^(?:l+o+l+|l+m+f*a+o+|(?:h+[ae]+){2,}h*)$/;

/** True for words that frame a question as a request or as chat ("quote", "tbh", "lmaooo") rather than say what it is about. */
export function isEnglishRequestWord(word: string): boolean {
  return ENGLISH_REQUEST_WORDS.has(word) || LAUGHTER.test(word);
}

// How a chat question opens ("wait so what…", "ok and who…") and a request that opens it ("can you
// pull up what…", "dig up the part where…", "show me…"): they ask the bot for something or clear
// the throat; they say nothing of the topic.
const OPENING = /^(?:hey|hi|yo|ok|okay|so|um|pls|please|wait)$/;
const REQUEST_VERB = /^(?:pull|dig|look|find|show|give|get|remind|share|tell|quote|cite)$/;
const REQUEST_PARTICLE = /^(?:up|me|us|of)$/;

/** How many tokens open a question as chat or as a request of the bot ("wait so", "can you pull up", "show me"), not as its topic. */
export function chatFrameLength(tokens: readonly LatinToken[]): number {
  const word = (i: number) => tokens[i]?.lower ?? '';
  let i = 0;
  while (OPENING.test(word(i))) i += 1;
  const opening = i;
  if (/^(?:can|could|would|will)$/.test(word(i)) && /^(?:you|u|ya)$/.test(word(i + 1))) i += 2;
  while (/^(?:please|pls|just)$/.test(word(i))) i += 1;
  if (!REQUEST_VERB.test(word(i))) return opening;
  i += 1;
  while (REQUEST_PARTICLE.test(word(i))) i += 1;
  return i;
}

/** True for English function words that carry no topic. */
export function isEnglishStopword(word: string): boolean {
  return ENGLISH_STOPWORDS.has(word);
}

/** A Latin-script word as it appears, with its offsets, for features that need case or adjacency. */
export interface LatinToken {
  /** The word without apostrophes or the dots of an acronym ("U.S." → "US"). */
  raw: string;
  lower: string;
  index: number;
  /** Offset just past the word as written. */
  end: number;
}

// A dotted acronym (U.S., U.S.A.) is one word, as is a short one joined by ampersands (AT&T, R&D,
// V&A: its letters alone are function words or nothing); otherwise letters with inner apostrophes.
const LATIN_WORD = /(?<![A-Za-z&])[A-Za-z]{1,4}(?:&[A-Za-z]{1,4})+(?![A-Za-z&])|(?<![A-Za-z])(?:[A-Z]\.){2,}|[A-Za-z]+(?:['’][A-Za-z]+)*/g;

/** Latin-script words of a text (numbers are handled as anchors, not words). */
export function latinTokens(text: string): LatinToken[] {
  const tokens: LatinToken[] = [];
  for (const match of text.matchAll(LATIN_WORD)) {
    const raw = match[0].replace(/['’]s$/i, '').replace(/['’.]/g, '');
    tokens.push({ raw, lower: raw.toLowerCase(), index: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/**
 * Whether a token is an acronym written in capitals (US, AI, CEO) inside text that is not all
 * capitals: it is a word even when its letters spell a function word ("US" is not "us").
 */
export function isAcronym(tokens: readonly LatinToken[], i: number): boolean {
  const token = tokens[i]!;
  if (!/^[A-Z]{2,5}$/.test(token.raw)) return false;
  const neighbours = [tokens[i - 1], tokens[i + 1]].filter((t): t is LatinToken => t !== undefined);
  return neighbours.length === 0 || neighbours.some((t) => /[a-z]/.test(t.raw));
}

/** Whether a token carries a topic: not a function word, unless it is an acronym. */
export function isContentToken(tokens: readonly LatinToken[], i: number): boolean {
  const token = tokens[i]!;
  if (token.lower.length < 2) return false;
  return !isEnglishStopword(token.lower) || isAcronym(tokens, i);
}

/**
 * Feature keys of an English phrase, as the features of a text would have them: one content word
 * is its stem ("Switzerland" → "switzerland"), several are the bigrams of adjacent ones ("United
 * States" → "unit_state"). With `allPairs`, every stem, bigram and hyphen-joined compound of a
 * text (for listing what a corpus says).
 */
export function phraseKeys(text: string, options: { allPairs?: boolean; acronyms?: boolean } = {}): string[] {
  const tokens = latinTokens(text);
  const content = tokens.map((token, i) => (options.acronyms || options.allPairs ? isContentToken(tokens, i) : token.lower.length > 1 && !isEnglishStopword(token.lower)));
  const stems = tokens.map((token) => stemWord(token.lower));
  const keys: string[] = [];
  const contentCount = content.filter(Boolean).length;
  if (contentCount === 0) return keys;
  if (contentCount === 1 && !options.allPairs) return [stems[content.indexOf(true)]!];
  tokens.forEach((token, i) => {
    if (options.allPairs && content[i]) keys.push(stems[i]!);
    const next = tokens[i + 1];
    if (!next) return;
    const gap = text.slice(token.end, next.index);
    if (content[i] && content[i + 1] && /^[\s-]*$/.test(gap)) keys.push(`${stems[i]}_${stems[i + 1]}`);
    if (options.allPairs && gap === '-') keys.push(stemWord(token.lower + next.lower));
  });
  return keys;
}

// Irregular past forms Porter stemming cannot reach ("began" → "begin", "left" → "leave"), and the
// inflections of short verbs it keeps apart from them: "died" → "di" but "die" → "die", "tried" →
// "tri" but "try" → "try", "does" → "doe", "added" → "ad".
const IRREGULAR = new Map(
  `arose arise awoke awake bore bear beaten beat became become begun begin began begin bent bend bet bet bid bid
  bit bite bled bleed blew blow blown blow broke break broken break bred breed brought bring built build burnt burn bought buy
  caught catch chose choose chosen choose clung cling came come cost cost crept creep cut cut dealt deal dug dig did do done do
  drew draw drawn draw drank drink drove drive driven drive ate eat eaten eat fell fall fallen fall fed feed felt feel fought fight
  found find fled flee flew fly flown fly forbade forbid forgot forget forgotten forget forgave forgive froze freeze frozen freeze
  got get gotten get gave give given give went go gone go grew grow grown grow hung hang heard hear hid hide hidden hide held hold
  hurt hurt kept keep knew know known know laid lay led lead left leave lent lend let let lost lose made make
  meant mean met meet paid pay proved prove quit quit rode ride ridden ride rang ring rung ring rose rise risen rise ran run
  sought seek sold sell sent send set set shook shake shaken shake shone shine shot shoot showed show shown show shrank shrink
  shut shut sang sing sung sing sank sink sunk sink sat sit slept sleep slid slide spoke speak spoken speak spent spend spun spin
  split split spread spread sprang spring stood stand stole steal stolen steal stuck stick struck strike strove strive swore swear
  swept sweep swam swim swum swim took take taken take taught teach tore tear torn tear told tell thought think threw throw
  thrown throw understood understand undertook undertake undertaken undertake woke wake wore wear worn wear won win
  withdrew withdraw withdrawn withdraw wrote write written write overtook overtake overtaken overtake
  died die dies die dying die lied lie lies lie lying lie tied tie ties tie tying tie vied vie vies vie vying vie
  tried try tries try cried cry cries cry dried dry dries dry fried fry fries fry flies fly spied spy spies spy does do goes go
  added add adding add freed free`
    .trim()
    .split(/\s+/)
    .reduce<Array<[string, string]>>((pairs, word, i, words) => (i % 2 === 0 ? [...pairs, [word, words[i + 1]!]] : pairs), []),
);

/** The stem of a dictionary's base form: as `stemWord`, but never read as another word's past form ("found" the verb, to establish, is not "find"). */
export function stemLemma(lower: string): string {
  return IRREGULAR.has(lower) ? stemmer(lower) : stemWord(lower);
}

/** The key of a two-word phrase's synonyms, of its words' stems ("step down" → `step_down`). */
export function phraseKey(firstStem: string, secondStem: string): string {
  return `${firstStem}_${secondStem}`;
}

/** The Porter stem of a lower-case English word: "growing", "grows", "grew" and "grow" meet, and so do "teeth" and "tooth". */
export function stemWord(lower: string): string {
  return stemInflected(singularOf(lower) ?? lower);
}

function stemInflected(lower: string): string {
  // Where Porter's rules read a word and its inflections apart, the inflection is stemmed as the word:
  // it gives back the final e of "-ated" and "-ized" but not of "-enced" ("experienced" → "experienc",
  // "experience" → "experi"), and shortens "-eed" only at the end ("exceeded" → "exceed", "exceed" →
  // "exce"); and it takes the s of "focus", not of "focused" or "focuses", so "-us" is read as its plural.
  if (ENCE_INFLECTION.test(lower)) return stemmer(lower.replace(/(?:ed|ing)$/, 'e'));
  if (EED_INFLECTION.test(lower)) return stemmer(lower.replace(/(?:ed|ing)$/, ''));
  if (US_NOUN.test(lower)) return stemmer(`${lower}es`);
  return stemmer(IRREGULAR.get(lower) ?? lower);
}

// A plural WordNet lists as irregular is read as its singular when it is formed the classical or
// the old Germanic way (cilia → cilium, larvae → larva, nuclei → nucleus, crises → crisis, matrices
// → matrix, genera → genus, women → woman, children → child, teeth → tooth, mice → mouse), where
// Porter stemming keeps the two apart. Other listed forms are also words or verbs of their own
// ("leaves", "lives", "dive" as the plural of "diva").
const PLURAL_FORMS: ReadonlyArray<[plural: string, singular: string]> = [
  ['a', 'um'], ['a', 'on'], ['ae', 'a'], ['i', 'us'], ['ices', 'ix'], ['ices', 'ex'], ['es', 'is'], ['ora', 'us'], ['era', 'us'], ['ata', 'a'],
  ['men', 'man'], ['ren', ''], ['eeth', 'ooth'], ['eet', 'oot'], ['ice', 'ouse'], ['eese', 'oose'],
];
let irregularPlurals: Map<string, string> | undefined;

/** The singular of an irregular plural (`PLURAL_FORMS`), from WordNet's noun exceptions in `wink-lexicon` (read on first use). */
function singularOf(lower: string): string | undefined {
  irregularPlurals ??= readIrregularPlurals();
  return irregularPlurals.get(lower);
}

function readIrregularPlurals(): Map<string, string> {
  const exceptions = createRequire(import.meta.url)('wink-lexicon/src/wn-noun-exceptions.js') as Record<string, string>;
  const plurals = new Map<string, string>();
  for (const [plural, singular] of Object.entries(exceptions)) {
    const formed = PLURAL_FORMS.some(([p, s]) => plural.endsWith(p) && singular.endsWith(s) && plural.slice(0, -p.length) === singular.slice(0, singular.length - s.length));
    if (formed && /^[a-z]+$/.test(plural)) plurals.set(plural, singular);
  }
  return plurals;
}

const ENCE_INFLECTION = /[ae]nc(?:ed|ing)$/;
const EED_INFLECTION = /eed(?:ed|ing)$/;
// Not "-ous" adjectives ("famous"), whose s Porter keeps with the rest of the suffix.
const US_NOUN = /^[a-z]*[^o]us$/;
