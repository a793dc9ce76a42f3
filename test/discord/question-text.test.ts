import { describe, expect, it } from 'vitest';
import { questionText } from '../../src/discord/question-text.js';

describe('a question as typed in Discord', () => {
  it('leaves out mentions, custom emoji, timestamps and command links, keeping every word', () => {
    const typed =
      '<@123456789012345678> <@&234567890123456789> when did the cloud fail again? <:thonk:345678901234567890> <a:party:456789012345678901> cc <@!567890123456789012> <#678901234567890123> @everyone before <t:1700000000:R>? </ask:789012345678901234>';
    expect(questionText(typed)).toBe('when did the cloud fail again? cc before ?');
  });

  it('keeps text that only looks like markup, and Chinese as typed', () => {
    expect(questionText('is 1 < 2 and <b> a tag? what about <@42>')).toBe('is 1 < 2 and <b> a tag? what about <@42>');
    expect(questionText('  阿里雲 <:hmm:123456789012345678> 什麼時候分拆?  ')).toBe('阿里雲 什麼時候分拆?');
  });

  it('is empty when the message was nothing but markup, for the guard to ask for a question', () => {
    expect(questionText('<@123456789012345678> <:wave:123456789012345678>')).toBe('');
  });
});
