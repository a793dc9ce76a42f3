import { beforeAll, describe, expect, it } from 'vitest';
import { computeFeatureStats, NO_STATS, TextAnalyzer } from '../../src/text/analyzer.js';
import { buildLexicon } from '../../src/index/build-lexicon.js';
import type { Concept } from '../../src/text/features.js';
import { lexiconFromFile, type Lexicon } from '../../src/text/lexicon.js';
import { wadeGilesSyllables } from '../../src/text/pinyin.js';
import { americanSpelling } from '../../src/text/wordnet.js';
import { matchProfile, weighQuestion } from '../../src/ranking/question.js';

// A small corpus in both languages whose passages name things the questions name differently.
const ENGLISH = [
  'Lefevre, a Swiss engineer, said the monopoly ended in the 1970s.',
  'The spin-off was approved by the U.S. regulator.',
  'Newcastle upon Tyne hosted the ninth meeting.',
  'The inventor died in a hotel.',
  'Liquid oxygen was first made for sale in 1895.',
  'The chairman resigned, and the merger was cancelled.',
  'The club was established in 1892.',
  'The storm was heavy.',
  'The septicemic form of the plague turned the skin a dark color.',
  'Ali, as staff call Alibaba, cut prices.',
  'The division serves government and enterprise customers.',
  'Students thronged to Wittenberg.',
];
const CHINESE = ['勒费弗是瑞士工程师。', '纽卡斯尔的胡格诺派教徒于蒙古经商。', '成功的美国大学。', '该公司在20世纪70年代垄断了市场。', '第九次会议在纽卡斯尔举行。', '格兰杰是一名记者。', '周靖人是首席技术官。', '超级碗在大桥旁举行。', '这把旧伞还很中用。', '这是一个合音。', '余杭的居民去杭州工作。', '国务院开会。', '出租汽车很多。', '他接任后收入靠参加比赛，依靠朋友。'];

// One lexicon build (CC-CEDICT and WordNet, several seconds) for the whole file.
let lexicon: Lexicon;
let embedder: TextAnalyzer;

beforeAll(async () => {
  lexicon = lexiconFromFile(await buildLexicon([ENGLISH.join('\n'), CHINESE.join('\n')]));
  const unbound = new TextAnalyzer({ lexicon, stats: NO_STATS });
  const stats = computeFeatureStats([...ENGLISH, ...CHINESE].map((text) => unbound.documentFeatures(text)));
  // English as the word vectors know it: the passages' words and a few more, no misspellings.
  const vocabulary = new Set([...ENGLISH.join(' ').toLowerCase().matchAll(/[a-z]+/g)].map((m) => m[0]).concat(['hostel', 'was', 'who']));
  embedder = new TextAnalyzer({ lexicon, stats, vocabulary: () => ({ knowsEnglishWord: (lower) => vocabulary.has(lower) }) });
});

/** The question concept whose alternatives hold a feature. */
function conceptWith(concepts: Concept[], feature: string): Concept | undefined {
  return concepts.find((c) => !c.phrase && c.alternatives.has(feature));
}

/** Whether a question concept for `word` can be met by a passage's features, and as an entity. */
function meets(question: string, passage: string): { any: boolean; entity: boolean } {
  const passageFeatures = new Set(embedder.documentFeatures(passage).keys());
  const concepts = embedder.queryConcepts(question).filter((c) => !c.phrase);
  return {
    any: concepts.some((c) => [...c.alternatives.keys()].some((key) => passageFeatures.has(key))),
    entity: concepts.some((c) => c.entityKeys !== undefined && [...c.entityKeys].some((key) => passageFeatures.has(key))),
  };
}

describe('the dictionary read for names', () => {
  it('takes a word with a common sense for a word, not for a name', () => {
    expect(lexicon.isProperNoun('成功')).toBe(false);
    expect(lexicon.glossesOf('成功')?.map((g) => g.stem)).not.toContain('chenggong');
    expect(lexicon.glossesOf('大学')?.map((g) => g.stem)).not.toContain('great');
    expect(embedder.queryConcepts('成功').every((c) => c.entityKeys === undefined)).toBe(true);
  });

  it('keys a name by its whole English name, not by the words of it', () => {
    const america = lexicon.glossesOf('美国')!.filter((g) => g.name).map((g) => g.stem);
    expect(america).toEqual(expect.arrayContaining(['unit_state', 'usa']));
    expect(america).not.toContain('unit');
    expect(america).not.toContain('state');
    const question = conceptWith(embedder.queryConcepts('美国'), 'zh:美国')!;
    expect([...question.entityKeys!]).not.toContain('unit');
    // "U.S." is the acronym US, a name, not the pronoun.
    expect(meets('美国', 'The spin-off was approved by the U.S. regulator.').entity).toBe(true);
  });

  it('takes a place named after its description for where it is, not for a name of it', () => {
    // CC-CEDICT: 余杭 "Yuhang district of Hangzhou city 杭州市[Hang2 zhou1 shi4], Zhejiang".
    const yuhang = lexicon.glossesOf('余杭')!;
    expect(yuhang.map((g) => g.stem)).toContain('yuhang');
    expect(yuhang.map((g) => g.stem)).not.toContain('zhejiang');
    expect(meets('余杭在哪里？', 'Zhejiang is a province.').entity).toBe(false);
    // An acronym after a description is its short form: "chief technology officer (CTO)".
    expect(lexicon.glossesOf('首席技术官')!.map((g) => g.stem)).toContain('cto');
  });

  it('reads a phrasal verb whose particle is a function word as two words, as one with a content particle', () => {
    // CC-CEDICT: 收入 "to take in; income; revenue", 接任 "to take over", 依靠 "to rely on".
    const share = (word: string, stem: string) => lexicon.glossesOf(word)?.find((g) => g.stem === stem)?.share;
    expect(share('收入', 'take')).toBe(share('接任', 'take'));
    expect(share('收入', 'take')).toBe(0.5);
    expect(share('收入', 'incom')).toBe(1);
    expect(share('依靠', 'reli')).toBe(0.5);
    // A verb whose preposition WordNet does not list with it as a phrase stays one word (CC-CEDICT: 参加 "to participate in").
    expect(share('参加', 'particip')).toBe(1);
  });

  it('reads a region label as a note, not as a short form of the word', () => {
    // CC-CEDICT: 国务院 "(PRC) State Council", 出租汽车 "hire car (PRC)".
    const stateCouncil = lexicon.glossesOf('国务院')!.map((g) => g.stem);
    expect(stateCouncil).toEqual(expect.arrayContaining(['state', 'council']));
    expect(stateCouncil).not.toContain('prc');
    expect(meets('国务院在哪里？', 'The State Council met.').entity).toBe(true);
    expect(lexicon.glossesOf('出租汽车')!.map((g) => g.stem)).not.toContain('prc');
  });

  it('reads a name that its parts say word for word as one concept, and common words read as a name as words too', () => {
    const concepts = (question: string) => embedder.queryConcepts(question).filter((c) => !c.phrase).map((c) => [...c.alternatives.keys()][0]);
    // 超级碗 is "Super Bowl": 超级 "super" and 碗 "bowl" say it again, and would weigh it thrice.
    expect(concepts('超级碗')).toEqual(['zh:超级碗']);
    // 大桥 is also "Da Qiao", a name its parts (big, bridge) do not say.
    expect(concepts('大桥')).toEqual(expect.arrayContaining(['zh:大', 'zh:桥', 'zh:大桥']));
  });

  it('reads a character after a numeral as a measure word, not as a surname: 第一任馆长 names no one', () => {
    const keys = embedder.queryConcepts('谁是第一任馆长？').flatMap((c) => [...(c.entityKeys ?? [])]);
    expect(keys.filter((key) => key.startsWith('py:ren'))).toEqual([]);
    // A surname that opens a name still does.
    expect(embedder.queryConcepts('任正非是谁？').some((c) => [...(c.entityKeys ?? [])].some((key) => key.startsWith('py:ren')))).toBe(true);
  });

  it('reads no person into a question word the segmenter splits or joins to a preposition: 何|种, 于|何年', () => {
    const names = (question: string) => embedder.queryConcepts(question).flatMap((c) => [...(c.entityKeys ?? [])].filter((key) => key.startsWith('py:')));
    expect(names('何种动物最多？')).toEqual([]);
    expect(names('该条约于何年签订？')).toEqual([]);
    // The surname still leads a name: 何炅.
    expect(names('何炅是谁？').some((key) => key.startsWith('py:he'))).toBe(true);
  });

  it('reads a given name as part of its name, not as the name-word its characters spell; a common word they spell stays', () => {
    const wholeConcepts = (question: string) => embedder.queryConcepts(question).filter((c) => !c.phrase);
    // 蔡|英|華: 英華 is "Anglo-Chinese" in the dictionary, here the given name of 蔡英華.
    expect(wholeConcepts('蔡英華離職了嗎？').some((c) => c.alternatives.has('zh:英华'))).toBe(false);
    expect(wholeConcepts('蔡英華離職了嗎？').some((c) => c.entityKeys?.has('py:caiyinghua'))).toBe(true);
    // 时侯 (a typo of 时候) puts the surname 侯 before 业内, "in the industry": still a word of the question.
    expect(wholeConcepts('张勇接手的时侯业内怎么看？').some((c) => c.alternatives.has('zh:业内'))).toBe(true);
  });

  it('reads a verb with its aspect particle (涨了, 换了) as the verb itself, not half of it', () => {
    const rose = embedder.queryConcepts('收入涨了多少？').find((c) => c.alternatives.has('zh:涨'));
    expect(rose?.alternatives.get('zh:涨')).toBe(1);
    const wrote = embedder.queryConcepts('这是谁写的？').find((c) => c.alternatives.has('zh:写'));
    expect(wrote?.alternatives.get('zh:写')).toBe(1);
  });

  it('reads a word the segmenter joined 的 to without the particle, so it makes its word with the one before: 稳定|性的 is 稳定性', () => {
    const keys = (text: string) => embedder.queryConcepts(text).filter((c) => !c.phrase).map((c) => [...c.alternatives.keys()][0]);
    expect(keys('公司稳定性的问题')).toContain('zh:稳定性');
    expect(keys('公司稳定性的问题')).not.toContain('zh:性的');
  });

  it('reads no person into a preposition and a place', () => {
    const concepts = embedder.queryConcepts('于蒙古');
    expect(concepts.some((c) => [...c.alternatives.keys()].some((key) => key.startsWith('py:yumeng')))).toBe(false);
    expect(conceptWith(concepts, 'zh:蒙古')?.entityKeys).toBeDefined();
  });
});

describe('characters the dictionary gives only inside words', () => {
  it('reads one in a word the dictionary lacks by its own sense: 液 of 液氧 is "a liquid"', () => {
    // CC-CEDICT has 液体 and 液氮, not 液氧; 液 alone is "(bound form) a liquid".
    expect(lexicon.hasWord('液氧')).toBe(false);
    expect(lexicon.glossesOf('液')?.map((g) => g.stem)).toContain('liquid');
    expect(conceptWith(embedder.queryConcepts('液氧是何时开始出售的？'), 'liquid')).toBeDefined();
    expect(meets('液', 'Liquid oxygen was first made for sale in 1895.').any).toBe(true);
  });
});

describe("CC-CEDICT's notes on a word", () => {
  it('reads a word given as an abbreviation as the word it abbreviates too: 企 (企业) of 政企 is "enterprise"', () => {
    // CC-CEDICT: 企 "to stand on tiptoe and look… / abbr. for 企業|企业[qi3 ye4]"; 政企 is not an entry.
    expect(lexicon.hasWord('政企')).toBe(false);
    const stems = lexicon.glossesOf('企')?.map((g) => g.stem) ?? [];
    expect(stems).toContain('enterpris');
    expect(meets('企', ENGLISH[10]!).any).toBe(true);
  });

  it('reads no gloss from a pronunciation note: 中用 is "useful", not "Taiwan pr."', () => {
    // CC-CEDICT: 中用 "useful / helpful / Taiwan pr. [zhong4 yong4]".
    const stems = lexicon.glossesOf('中用')?.map((g) => g.stem) ?? [];
    expect(stems).toContain('us');
    expect(stems.some((stem) => /taiwan|\bpr\b|zhong/.test(stem))).toBe(false);
  });

  it('keeps the word of a sense its label only qualifies: 合音 "(phonetic) contraction"', () => {
    expect(lexicon.glossesOf('合音')?.map((g) => g.stem)).toContain('contract');
  });
});

describe('two-word phrases', () => {
  const alternativesOf = (question: string, word: string) => [...(conceptWith(embedder.queryConcepts(question), word)?.alternatives.keys() ?? [])];

  it('reads a phrase by its own sense (WordNet\'s "step down": resign), in both its words', () => {
    expect(alternativesOf('Did the chairman step down?', 'step')).toContain('resign');
    expect(alternativesOf('Did the chairman step down?', 'down')).toContain('resign');
    // Its words apart mean something else.
    expect(alternativesOf('Did he step on the floor?', 'step')).not.toContain('resign');
    expect(alternativesOf('Did the chairman go down?', 'down')).not.toContain('resign');
  });

  it('reads a phrasal verb with its object between its words: "called it off" is to cancel', () => {
    expect(alternativesOf('Why was the merger called off?', 'call')).toContain('cancel');
    expect(alternativesOf('Why did they call it off?', 'call')).toContain('cancel');
    expect(alternativesOf('Why did they call it a merger?', 'call')).not.toContain('cancel');
  });

  it('reads passages as written', () => {
    expect(embedder.documentFeatures('The chairman stepped down.').has('resign')).toBe(false);
  });

  it('takes the synonyms of a dictionary word as its base form: "found" (to establish) is not "find"', () => {
    expect(alternativesOf('When was the club founded?', 'found')).toContain('establish');
  });
});

describe('transliterated names', () => {
  it('keeps a transliteration one concept, its characters not read as words', () => {
    const features = embedder.documentFeatures('纽卡斯尔的胡格诺派教徒');
    expect(features.has('card')).toBe(false);
    expect(features.has('slovakia')).toBe(false);
    expect([...features.keys()].some((key) => key.startsWith('phz:'))).toBe(true);
    const name = conceptWith(embedder.queryConcepts('纽卡斯尔在哪里？'), 'zh:纽卡斯尔')!;
    expect([...name.entityKeys!].some((key) => key.startsWith('phz:'))).toBe(true);
  });

  it('reads the parts of a name an interpunct joins as names, whatever their characters mean elsewhere', () => {
    const names = (question: string) =>
      embedder
        .queryConcepts(question)
        .filter((c) => !c.phrase && c.entityKeys !== undefined)
        .flatMap((c) => [...c.alternatives.keys()].filter((key) => key.startsWith('zh:')));
    // 派 "faction", 西 "west", 约 "about", 什 of 什么: here only sounds; a function word (在) or a word ends a part.
    expect(names('派西·卫斯理在家里排第几？')).toEqual(expect.arrayContaining(['zh:派西', 'zh:卫斯理']));
    expect(names('2015年约什·诺曼拦截了多少次？')).toEqual(expect.arrayContaining(['zh:约什', 'zh:诺曼']));
    expect(embedder.queryConcepts('派西·卫斯理在家里排第几？').some((c) => !c.phrase && c.alternatives.has('west'))).toBe(false);
    // Without the dot the same characters are words as before.
    expect(names('派西卫在家里')).not.toContain('zh:派西');
  });

  it('reads a two-character name the dictionary knows as someone, inside a longer run of sound characters, as sounds of that name', () => {
    // 博格 is the tennis player Borg; in 威腾博格 it is the end of Wittenberg.
    const concepts = embedder.queryConcepts('谁去了威腾博格？');
    expect(conceptWith(concepts, 'zh:威腾博格')).toBeDefined();
    expect(concepts.some((c) => c.alternatives.has('borg'))).toBe(false);
    expect(meets('谁去了威腾博格？', 'Students thronged to Wittenberg.')).toEqual({ any: true, entity: true });
  });

  it('meets a Western name and its transliteration by sound, in both directions', () => {
    expect(meets('Who is Lefevre?', '勒费弗是瑞士工程师。')).toEqual({ any: true, entity: true });
    // Typed in lower case, a word the corpus does not know is looked up by sound too.
    expect(meets('who is grainger', CHINESE[5]!).any).toBe(true);
    expect(meets('勒费弗是谁？', 'Lefevre, a Swiss engineer, said the monopoly ended in the 1970s.')).toEqual({ any: true, entity: true });
    expect(meets('What happened in Newcastle?', '第九次会议在纽卡斯尔举行。').entity).toBe(true);
    // A name that sounds like none of the corpus's meets none of them.
    expect(meets('Who is Washington?', '勒费弗是瑞士工程师。').entity).toBe(false);
  });

  it('meets a name spelled out where the question uses the short form the corpus also writes', () => {
    expect(meets('what did ali cloud cut?', 'Alibaba Cloud cut prices.')).toEqual({ any: true, entity: true });
    expect(meets('What did Ali cut?', 'Alibaba Cloud cut prices.').entity).toBe(true);
  });

  it('meets a Chinese family name in its older spelling (Wade–Giles) as in pinyin', () => {
    expect(wadeGilesSyllables('tsai', lexicon.syllables).sort()).toEqual(['cai', 'zai']);
    expect(wadeGilesSyllables('hsu', lexicon.syllables)).toEqual(['xu']);
    expect(wadeGilesSyllables('tzu', lexicon.syllables)).toContain('zi');
    // Pinyin already, or no reading that is pinyin: nothing.
    expect(wadeGilesSyllables('zhang', lexicon.syllables)).toEqual([]);
    expect(wadeGilesSyllables('cloud', lexicon.syllables)).toEqual([]);
    // An English family name, in either spelling, identifies a Chinese name it starts, and the reverse.
    expect(meets('What did Joe Tsai say on the call?', '蔡崇信在電話會上表示。').entity).toBe(true);
    expect(meets('What did Daniel Zhang say on the call?', '張勇在電話會上表示。').entity).toBe(true);
    expect(meets('What did Joe Hsu say on the call?', '蔡崇信在電話會上表示。').entity).toBe(false);
    // Within Chinese a family name alone does not identify: 張建鋒 is not 張勇.
    expect(meets('張勇說了什麼？', '張建鋒在電話會上表示。').entity).toBe(false);
    expect(meets('蔡崇信說了什麼？', 'On the call, Joe Tsai said the spin-off was off.').entity).toBe(true);
    expect(meets('Why did Cai leave?', "Tsai's departure is not a bad thing for the company.").entity).toBe(true);
    expect(meets('Why did Hsu leave?', "Tsai's departure is not a bad thing for the company.").entity).toBe(false);
  });
});

describe('other forms of a word', () => {
  it('meets a nationality and its country across languages', () => {
    expect(meets('Which Swiss engineer?', '勒费弗是瑞士工程师。').entity).toBe(true);
    expect(meets('瑞士工程师是谁？', 'Lefevre, a Swiss engineer, said the monopoly ended in the 1970s.').any).toBe(true);
    expect(conceptWith(embedder.queryConcepts('Swiss'), 'swiss')?.alternatives.has('switzerland')).toBe(true);
  });

  it('meets a word spelled the British way and its American spelling, and the forms of either', () => {
    const plague = ENGLISH[8]!;
    // 败血症's gloss is "septicaemia"; the passage says "septicemic" (WordNet: septicemia).
    expect(meets('败血症是什么？', plague).any).toBe(true);
    expect(conceptWith(embedder.queryConcepts('What colour did the skin turn?'), 'color')).toBeDefined();
    expect(americanSpelling('centre')).toBe(americanSpelling('center'));
    expect(americanSpelling('organisation')).toBe('organization');
  });

  it('meets a noun and its verb that the stemmer keeps apart', () => {
    expect(conceptWith(embedder.queryConcepts('monopoly'), 'monopoli')?.alternatives.has('monopol')).toBe(true);
    expect(meets('Who had a monopoly?', '该公司在20世纪70年代垄断了市场。').any).toBe(true);
    expect(meets('谁垄断了市场？', ENGLISH[0]!).any).toBe(true);
    // An adverb and the adjective it is made from: heavili / heavi.
    expect(meets('Did it rain heavily?', ENGLISH[7]!).any).toBe(true);
  });

  it('meets the inflections Porter stemming keeps apart from their word ("died" → "di", "focus" → "focu", "experienced" → "experienc")', () => {
    for (const question of ['When did he die?', 'Is he dying?', 'Who dies there?', '他什么时候去世的？']) expect(meets(question, ENGLISH[3]!).any).toBe(true);
    for (const question of ['Who experienced it?', 'Which reference?']) expect(meets(question, 'Their experience was referenced.').any).toBe(true);
    for (const question of ['Whose focus?', 'What bus?', 'What does it exceed?', 'Did it add any?']) expect(meets(question, 'It focused on buses, exceeded plans and added staff.').any).toBe(true);
    expect(meets('Who tried?', 'They try again.').any).toBe(true);
  });

  it('meets an irregular plural and its singular, classical or Germanic, but keeps a verb apart from a plural of the same spelling', () => {
    for (const [question, passage] of [
      ['What moves the cilia?', 'Each cilium beats.'],
      ['Which nucleus?', 'The nuclei split.'],
      ['How many children?', 'Every child was there.'],
      ['What did the women say?', 'A woman spoke.'],
      ['Whose teeth?', 'The tooth broke.'],
    ]) {
      expect(meets(question!, passage!).any).toBe(true);
    }
    // "leaves" is also the verb of "leave", and "dive" a word, not the plural of "diva".
    expect(meets('When does he leave?', 'He leaves at noon.').any).toBe(true);
    expect(meets('Who sang as a diva?', 'They dive.').any).toBe(false);
  });

  it('reads a short name joined by an ampersand as one word: AT&T, V&A', () => {
    expect(meets('Who ran the V&A?', 'The V&A opened in 1852.').any).toBe(true);
    expect(meets('谁是V＆A的馆长？', 'The V&A opened in 1852.').any).toBe(true);
    expect(meets('What does AT&T sell?', 'At the time they made phones.').any).toBe(false);
  });

  it('meets a hyphenated compound written as one word, or typed in a question as two', () => {
    expect(meets('Why was the spinoff approved?', ENGLISH[1]!).any).toBe(true);
    const spinoff = new Set(embedder.documentFeatures('The spinoff was approved.').keys());
    const meetsSpinoff = (question: string) => embedder.queryConcepts(question).some((c) => !c.phrase && [...c.alternatives.keys()].some((key) => spinoff.has(key)));
    expect(meetsSpinoff('spin-off')).toBe(true);
    expect(meetsSpinoff('And the spin off?')).toBe(true);
    expect(meetsSpinoff('And the spin?')).toBe(false);
    // Only a question's words are joined: a passage's "spin off" is a verb and its object.
    expect(embedder.documentFeatures('They spin off the unit.').has('spinoff')).toBe(false);
  });

  it('reads a name typed in lower case as a name when the corpus has it in pinyin, not a word of English', () => {
    const typed = embedder.queryConcepts('who is zhou jingren');
    expect(conceptWith(typed, 'py:zhoujingren')?.entityKeys).toBeDefined();
    // The family name alone still identifies, as "Zhou" would.
    expect(conceptWith(typed, 'zhou')?.alternatives.has('pyf:zhou')).toBe(true);
    expect(meets('who is zhou jingren', CHINESE[6]!).entity).toBe(true);
    // Not a name the corpus has, or an English word that is also pinyin: a word like any other.
    expect(conceptWith(embedder.queryConcepts('who is li na'), 'py:lina')?.entityKeys).toBeUndefined();
    expect(conceptWith(embedder.queryConcepts('how long did the fan run'), 'long')?.entityKeys).toBeUndefined();
  });

  it('meets ordinals, decades and number words across languages', () => {
    expect(meets('Where was the ninth meeting?', CHINESE[4]!).entity).toBe(true);
    expect(meets('What ended in the seventies?', CHINESE[3]!).entity).toBe(true);
    expect(meets('第九次会议在哪里？', ENGLISH[2]!).entity).toBe(true);
  });

  it('reads a request or chat word in a question as framing, and the same word in a passage as a word', () => {
    const keys = (question: string) => embedder.queryConcepts(question).filter((c) => !c.phrase).flatMap((c) => [...c.alternatives.keys()]);
    expect(keys('can you quote what they said about the spinoff tbh')).not.toContain('quot');
    expect(keys('can you quote what they said about the spinoff tbh')).not.toContain('tbh');
    expect(keys('can you quote what they said about the spinoff tbh').length).toBe(keys('what they said about the spinoff').length);
    expect(keys('yo did the company end up spinning off the unit or nah, idk')).toEqual(keys('did the company end up spinning off the unit'));
    expect(keys('原文到底怎么说垄断')).not.toContain('zh:原文');
    // Laughter and chat interjections: 哈哈哈, 笑死 ("lol"), 救命 ("help!"), 来着 ("again?").
    expect(keys('哈哈哈 🤣 该公司垄断了什么来着')).toEqual(keys('该公司垄断了什么'));
    expect(keys('笑死 该公司垄断了什么')).toEqual(keys('该公司垄断了什么'));
    expect(keys('哈佛的公司垄断了什么')).toContain('zh:哈佛');
    expect(embedder.documentFeatures('He would not quote a price.').has('quot')).toBe(true);
    // Laughter as chat stretches it, "rn" (right now), "why'd", and words that stand for anyone or anything.
    expect(keys('lmaooo who approved the spinoff rn hahaha')).toEqual(keys('who approved the spinoff'));
    expect(keys("why'd the regulator approve the spinoff")).toEqual(keys('why did the regulator approve the spinoff'));
    expect(keys('did anyone say anything about the spinoff')).toEqual(keys('did they say about the spinoff'));
    expect(keys('who is Lola')).toContain('lola');
    // A request that opens the question: "can you pull up", "show me"; the same verb later is a word.
    expect(keys('can you pull up what the regulator said about the spinoff')).toEqual(keys('what the regulator said about the spinoff'));
    expect(keys('show me the part about the spinoff')).toEqual(keys('the part about the spinoff'));
    expect(keys('did the regulator pull up the spinoff')).toContain('pull');
    expect(keys('wait so who approved the spinoff')).toEqual(keys('who approved the spinoff'));
    expect(keys('how long did the regulator wait')).toContain('wait');
    // "What on earth is": 到底 run together with 是 by the segmenter is framing too.
    expect(keys('该公司到底是垄断了什么')).toEqual(keys('该公司垄断了什么'));
    // A name asked for (叫什么名字, "the name of") is no word the answer says; a measure word after 这 says "this".
    expect(keys('这家公司叫什么名字')).toEqual(keys('这家公司叫什么'));
    expect(keys('这部公司的名字由来')).toContain('zh:名字');
    expect(keys('这部公司垄断市场')).toEqual(keys('公司垄断市场'));
    expect(keys('What is the name of the regulator that approved it?')).not.toContain('name');
    expect(keys('Did they name the regulator?')).toContain('name');
    expect(keys('Who won the spinoff?')).toContain('win');
    // A verb asked "A-not-A" (垄断不垄断, 垄不垄断) is the verb, once.
    expect(keys('该公司垄断不垄断市场')).toEqual(keys('该公司垄断市场'));
    expect(keys('该公司垄不垄断市场')).toEqual(keys('该公司垄断市场'));
    // "These days", "currently" say "now", as "now" does; other days are a topic.
    expect(keys('who approved the spinoff these days')).toEqual(keys('who approved the spinoff'));
    expect(keys('who currently runs the club')).toEqual(keys('who runs the club'));
    expect(keys('how many days did the regulator take')).toContain('dai');
    // "In the first place" says "first" (originally), and no place; "first of all" says nothing.
    expect(keys('why did the regulator approve the spinoff in the first place')).toEqual(keys('why did the regulator approve the spinoff first'));
    expect(keys('first of all, why did the regulator approve the spinoff')).toEqual(keys('why did the regulator approve the spinoff'));
    expect(keys('who came first in the race')).toContain('o:1');
    // Words English says with its function words: say, not, about, "what will they do", "several".
    expect(keys('国务院说的垄断是什么')).toEqual(keys('国务院垄断是什么'));
    expect(keys('关于垄断国务院怎么说')).toEqual(keys('垄断国务院'));
    expect(keys('该公司都不垄断市场')).toEqual(keys('该公司垄断市场'));
    expect(keys('该公司的市场为什么不及预期')).toContain('zh:不及');
    expect(keys('该公司垄断好几次之后会怎么做')).toEqual(keys('该公司垄断之后'));
  });

  it('reads the "kind" of "what kind of" as asking, not as a word of the topic, in a question only', () => {
    const keys = (question: string) => embedder.queryConcepts(question).filter((c) => !c.phrase).flatMap((c) => [...c.alternatives.keys()]);
    expect(keys('What kind of engineer was Lefevre?')).not.toContain('kind');
    expect(keys('What type of regulator approved it?')).not.toContain('type');
    expect(keys('Was he kind?')).toContain('kind');
    expect(embedder.documentFeatures('What kind of engineer was he?').has('kind')).toBe(true);
  });

  it('reads chat spellings in a question as the words they stand for, and leaves passages as written', () => {
    const keys = (question: string) => new Set(embedder.queryConcepts(question).filter((c) => !c.phrase).flatMap((c) => [...c.alternatives.keys()]));
    expect(keys('how many yrs did the gov take')).toEqual(keys('how many years did the government take'));
    expect(keys('didnt the regulator approve it')).toEqual(keys('did the regulator approve it'));
    expect(keys('why did teh regulator approve it')).toEqual(keys('why did the regulator approve it'));
    // A quarter or half year as business chat writes it: Q3 meets 三季度's "quarter" and 3.
    expect([...keys('Q3 cloud revenue?')]).toEqual(expect.arrayContaining(['quarter', 'n:3', 'revenu']));
    expect(keys('revenue in H1 2023')).toContain('half');
    expect(embedder.documentFeatures('Q3 revenue rose.').has('quarter')).toBe(false);
    expect(keys('Where did Fielding H. Garrison say geology began?')).not.toContain('half');
  });

  it('reads a misspelt word of a question as the corpus word one edit away, but not a word typed as a name', () => {
    // Swapped letters, a dropped one: the corpus's "inventor" and "regulator".
    expect(meets('who was the invetnor', ENGLISH[3]!).any).toBe(true);
    expect(meets('what did the regultor approve', ENGLISH[1]!).any).toBe(true);
    // Capitalised, it is taken as typed: a name of its own; an English word the corpus lacks is no misspelling ("hostel" is not "hotel").
    expect(meets('Who was Invetnor?', ENGLISH[3]!).any).toBe(false);
    expect(meets('was the hostel cheap', ENGLISH[3]!).any).toBe(false);
    expect(meets('was the hotle cheap', ENGLISH[3]!).any).toBe(true);
    // A passage is read as written.
    expect(embedder.documentFeatures('The invetnor left.').has('inventor')).toBe(false);
    expect(embedder.documentFeatures('The Rev. Smith spoke.').has('revenu')).toBe(false);
  });
});

describe('what the answer is', () => {
  it('finds the concept a question asks for among its concepts, and meets it in either language', () => {
    const focusIn = (question: string, passage: string) => matchProfile(weighQuestion(embedder, question, 'any'), new Set(embedder.documentFeatures(passage).keys())).focus;
    expect(weighQuestion(embedder, '哪次会议在纽卡斯尔举行？', 'any').focus).toBeDefined();
    expect(focusIn('哪次会议在纽卡斯尔举行？', '第九次会议在纽卡斯尔举行。')).toBe(1);
    expect(focusIn('哪次会议在纽卡斯尔举行？', '纽卡斯尔的胡格诺派教徒于蒙古经商。')).toBe(0);
    expect(focusIn('Which engineer was Swiss?', '勒费弗是瑞士工程师。')).toBeGreaterThan(0);
    expect(focusIn('Which engineer was Swiss?', '成功的美国大学。')).toBe(0);
    // A question that names no such thing leaves every passage at 1.
    expect(focusIn('Was Lefevre Swiss?', '成功的美国大学。')).toBe(1);
  });

  it("weighs the concept asked for at least as much as the question's average concept, however common", () => {
    // Every passage names an engineer: the word's IDF alone would make it the lightest concept.
    const passages = ['Lefevre, a Swiss engineer, retired.', 'An engineer from Newcastle upon Tyne.', 'The engineer Granger wrote.', 'One engineer spoke.'];
    const unbound = new TextAnalyzer({ lexicon, stats: NO_STATS });
    const analyzer = new TextAnalyzer({ lexicon, stats: computeFeatureStats(passages.map((text) => unbound.documentFeatures(text))) });
    const question = weighQuestion(analyzer, 'Which engineer came from Newcastle?', 'any');
    const focused = question.concepts[question.focus ?? -1];
    expect(focused?.concept.alternatives.has('engin')).toBe(true);
    // The average before the lift counts the focus's own low weight: at least the others' sum over every concept.
    const others = question.total - focused!.weight;
    expect(focused!.weight).toBeGreaterThanOrEqual(others / question.concepts.length);
  });
});

