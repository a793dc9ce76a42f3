import { describe, expect, it } from 'vitest';
import { createVerifier, foldForVerifying, quotesBalanced, REMOVED_QUOTE_NOTE, type Evidence } from '../../src/answer/verify.js';
import { passageContaining as passageIn, quoteOf } from './fixtures.js';
import { isVerbatimInFixture as isVerbatim, VERIFY_ARTICLES as ARTICLES } from './verify-fixture.js';

/** The paragraph of a fixture article that contains `needle`, as a Passage with true offsets. */
function passageContaining(article: (typeof ARTICLES)['en'], needle: string) {
  const { text, ...described } = article;
  return passageIn(described, needle, text);
}

/** Checks one answer against the evidence, as a verifier made for it does. */
function verifyAnswer(answer: string, evidence: Evidence) {
  return createVerifier(evidence)(answer);
}

const spinOff = passageContaining(ARTICLES.en, 'But then Ali said that');
const results = passageContaining(ARTICLES.zh, '財報公佈了');
const explanation = passageContaining(ARTICLES.zh, '阿里對此的解釋爲');
const evidence: Evidence = {
  passages: [spinOff, results, explanation],
  quotes: [quoteOf(explanation, '美國近期擴大對先進計算芯片出口的限制,給雲智能集團的前景帶來不確定性。', 1)],
  lang: 'en',
};

describe('quote verification', () => {
  it('folds width, quotation marks, case, spacing and script for matching only', () => {
    expect(foldForVerifying('ＡＢＣ，「雲」 … x')).toBe(foldForVerifying('abc,“云”...X'));
    const answer = '財報說 “财报公布了 “1+6+N” 组织变革” [2]，而且 「決定不再推進雲智能集團的完全分拆」 [2]。';
    const verified = verifyAnswer(answer, evidence);

    expect(verified.counts).toEqual({ verified: 2, repaired: 0, dropped: 0, citationsRemoved: 0 });
    // The shown text is the original, Traditional and all, cut by offset.
    expect(verified.text).toBe('財報說 “財報公佈了“1+6+N”組織變革” [1]，而且 「決定不再推進雲智能集團的完全分拆」 [2]。');
    expect(verified.quotes.map((q) => q.text)).toEqual(['財報公佈了“1+6+N”組織變革', '決定不再推進雲智能集團的完全分拆']);
    for (const quote of verified.quotes) expect(isVerbatim(quote)).toBe(true);
  });

  it('checks block quotes, keeps an attribution line, and accepts elisions', () => {
    const answer =
      '> We believe that a complete spin-off of the Group may not enhance shareholder value … so we have decided not to move forward\n> — New Position [1]\n\nSee also [2-3].';
    const verified = verifyAnswer(answer, evidence);

    expect(verified.counts.verified).toBe(1);
    expect(verified.text).toBe(
      '> We believe that a complete spin-off of the Group may not enhance shareholder value … so we have decided not to move forward\n> — New Position [1]\n\nSee also [2][3].',
    );
    // The quote covers the elided words too: a real, contiguous span.
    expect(verified.quotes[0]?.text).toBe(
      'We believe that a complete spin-off of the Group may not enhance shareholder value as originally envisaged, so we have decided not to move forward',
    );
    expect(verified.citedPassages).toEqual([1, 2, 3]);
  });

  it('removes an invented block quote', () => {
    const verified = verifyAnswer('Alibaba said:\n> The cloud unit will list in Hong Kong next year.\n\nThat was all [1].', evidence);
    expect(verified.text).toBe(`Alibaba said:\n${REMOVED_QUOTE_NOTE.en}\n\nThat was all [1].`);
    expect(verified.counts.dropped).toBe(1);
  });

  it('lets an article be named by its title', () => {
    const verified = verifyAnswer('The article 「阿里雲,暫停裂土封王」 reports it [2].', evidence);
    expect(verified.text).toBe('The article 「阿里雲,暫停裂土封王」 reports it [1].');
    expect(verified.counts).toEqual({ verified: 0, repaired: 0, dropped: 0, citationsRemoved: 0 });
  });

  it('checks a quoted term but lists a real sentence as the evidence for its citation', () => {
    const verified = verifyAnswer('The “1+6+N” reorganisation [2] and the “1+6+X” one [2].', evidence);
    expect(verified.counts).toEqual({ verified: 1, repaired: 0, dropped: 1, citationsRemoved: 0 });
    expect(verified.text).toBe(`The “1+6+N” reorganisation [1] and the ${REMOVED_QUOTE_NOTE.en} one [1].`);
    expect(verified.quotes.map((q) => q.text)).toEqual(['財報公佈了“1+6+N”組織變革下業務集團分拆和融資進展:決定不再推進雲智能集團的完全分拆。']);
  });

  it('uses the best ranked sentence of a cited passage as its quote', () => {
    const verified = verifyAnswer('Export controls were the reason given [3].', evidence);
    expect(verified.quotes.map((q) => q.text)).toEqual(['美國近期擴大對先進計算芯片出口的限制,給雲智能集團的前景帶來不確定性。']);
  });

  it('writes removal notes in the language of the answer', () => {
    const verified = verifyAnswer('阿里說「雲業務將被出售給亞馬遜」[1]。', { ...evidence, lang: 'zh-Hant' });
    expect(verified.text).toBe(`阿里說${REMOVED_QUOTE_NOTE['zh-Hant']}[1]。`);
  });

  it('holds back whatever is unfinished while streaming', () => {
    const verify = createVerifier(evidence);
    expect(verify('Ali said that “restrictions on the export', { partial: true }).text).toBe('Ali said that');
    expect(verify('Ali said that "restrictions', { partial: true }).text).toBe('Ali said that');
    expect(verify('It was stopped [', { partial: true }).text).toBe('It was stopped');
    expect(verify('It was stopped [2', { partial: true }).text).toBe('It was stopped');
    expect(verify('Intro:\n> We believe that a complete', { partial: true }).text).toBe('Intro:');
    expect(verify('Ali said “Amazon bought it” and', { partial: true }).text).toBe(`Ali said ${REMOVED_QUOTE_NOTE.en} and`);
    // A finished answer with an unclosed quote: the rest of its line is checked as the quote.
    expect(verify('Ali said “Amazon bought it [1]').text).toBe(`Ali said ${REMOVED_QUOTE_NOTE.en}`);
  });

  it('repairs a near-miss into the whole clause it came from, with its quotation marks balanced', () => {
    const outsider = passageContaining(ARTICLES.en, 'Therefore, the outside world seems');
    // One word off inside a clause that carries its own quoted words.
    const verified = verifyAnswer('They wrote: “Alibaba Cloud’s spin-off "cannot improve shareholder value as first envisaged"” [1].', { passages: [outsider], lang: 'en' });
    expect(verified.counts).toEqual({ verified: 0, repaired: 1, dropped: 0, citationsRemoved: 0 });
    const [quote] = verified.quotes;
    expect(quote?.text).toBe(`Alibaba Cloud's spin-off "cannot improve shareholder value as originally envisaged"`);
    expect(quotesBalanced(quote!.text)).toBe(true);
    expect(isVerbatim(quote!)).toBe(true);
  });

  it('drops a fragment whose whole clause would say much more than was quoted', () => {
    const outsider = passageContaining(ARTICLES.en, 'Therefore, the outside world seems');
    const verified = verifyAnswer('They wrote: “the outside world is more willing to believe” [1].', { passages: [outsider], lang: 'en' });
    expect(verified.counts.repaired + verified.counts.dropped).toBe(1);
    for (const quote of verified.quotes) expect(quotesBalanced(quote.text)).toBe(true);
  });

  it('finds a real sentence in the corpus before repairing it into a similar one of the given passages', () => {
    const outsider = passageContaining(ARTICLES.en, 'Therefore, the outside world seems');
    const claim = 'a complete spin-off of the Group may not enhance shareholder value as originally envisaged';
    const answer = `Ali said the “${claim}” [1].`;
    const alone = verifyAnswer(answer, { passages: [outsider], lang: 'en' });
    expect(alone.counts).toEqual({ verified: 0, repaired: 0, dropped: 1, citationsRemoved: 0 });
    expect(alone.text).toBe(`Ali said the ${REMOVED_QUOTE_NOTE.en} [1].`);
    const withCorpus = verifyAnswer(answer, { passages: [outsider], lang: 'en', corpus: [outsider, spinOff, results] });
    expect(withCorpus.counts).toEqual({ verified: 1, repaired: 0, dropped: 0, citationsRemoved: 0 });
    expect(withCorpus.text).toBe(`Ali said the “${claim}” [1].`);
    expect(withCorpus.quotes.map((q) => [q.text, q.paragraph])).toEqual([[claim, spinOff.paragraph]]);
    expect(withCorpus.citedPassages).toEqual([1]);
  });

  it('tells balanced quotation marks from unbalanced ones', () => {
    expect(quotesBalanced('spin-off "cannot improve"')).toBe(true);
    expect(quotesBalanced('spin-off "cannot improve')).toBe(false);
    expect(quotesBalanced('「決定」不再')).toBe(true);
    expect(quotesBalanced('”不再“')).toBe(false);
  });
});
