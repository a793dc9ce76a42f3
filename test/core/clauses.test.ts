import { describe, expect, it } from 'vitest';
import { clausesOf } from '../../src/corpus/sentences.js';

describe('clauses of a quote', () => {
  it('are cut at commas, semicolons, colons and sentence ends, in English and Chinese', () => {
    expect(clausesOf('The plan was dropped in May; the board, however, kept the budget. It met again.')).toEqual([
      'The plan was dropped in May;',
      'the board,',
      'however,',
      'kept the budget.',
      'It met again.',
    ]);
    expect(clausesOf('收入同比增長2%至276.48億元,經調整EBITA增長44%。利潤大漲、虧損收窄！')).toEqual(['收入同比增長2%至276.48億元,', '經調整EBITA增長44%。', '利潤大漲、', '虧損收窄！']);
  });

  it('never end at a name\'s initial or an abbreviation, as the corpus\'s sentences do not', () => {
    expect(clausesOf('A committee headed by Nicholas E. Golovin met in Washington, D.C. in July. U.S. forces left.')).toEqual([
      'A committee headed by Nicholas E. Golovin met in Washington,',
      'D.C. in July.',
      'U.S. forces left.',
    ]);
    // A unit's capital is no initial: the sentence ends there.
    expect(clausesOf('Turbines take steam at 565 °C. Condensers run at 30 °C.')).toEqual(['Turbines take steam at 565 °C.', 'Condensers run at 30 °C.']);
  });
});
