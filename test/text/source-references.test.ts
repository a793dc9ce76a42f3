import { describe, expect, it } from 'vitest';
import { withoutSourceReferences } from '../../src/text/source-references.js';

describe('what a question says about the source itself', () => {
  it('drops the author or the article as the one who thinks or says, and keeps the verb and the topic', () => {
    expect(withoutSourceReferences('Why does the writer think losing Cai Yinghua is not bad for them?')).toBe('Why does think losing Cai Yinghua is not bad for them?');
    expect(withoutSourceReferences('Does the author actually buy the chip story?')).toBe('Does actually buy the chip story?');
    expect(withoutSourceReferences('According to the article, who runs the cloud unit?')).toBe(', who runs the cloud unit?');
    expect(withoutSourceReferences('what market is mentioned in the article')).toBe('what market is mentioned');
    expect(withoutSourceReferences('What’s the writer’s take on the outages?')).toBe('What’s on the outages?');
  });

  it('keeps the author as a word of the question when it is what is asked about', () => {
    for (const question of ['Who is the author of Dune?', 'What did the author of the report find?', "In the article's title, what ended?", 'Which writer won the prize?']) {
      expect(withoutSourceReferences(question)).toBe(question);
    }
  });

  it('drops 作者 / 文章 / 文中 before a verb of saying or thinking, keeping a question word between, in either script', () => {
    expect(withoutSourceReferences('作者为啥觉得大模型对云厂商是好事')).toBe('为啥觉得大模型对云厂商是好事');
    expect(withoutSourceReferences('作者怎麼看前後兩次換帥的差別?')).toBe('怎麼看前後兩次換帥的差別?');
    expect(withoutSourceReferences('文章說阿里雲哪套老底子還能用?')).toBe('說阿里雲哪套老底子還能用?');
    expect(withoutSourceReferences('文中提及，奧斯陸的人口為何減少?')).toBe('提及，奧斯陸的人口為何減少?');
    expect(withoutSourceReferences('从文中可以看出什么原因?')).toBe('从可以看出什么原因?');
  });

  it('keeps 作者 and 文章 as words: asked about, after 的, or inside another word', () => {
    for (const question of ['这本书的作者是谁?', '《教會史》的作者認為哪些作品是正確的?', '渗透一词在英文中的意思是什么？', '哪位專欄作家在他的文章中第一次使用了這個稱謂?', '文章中的北方八國還有哪一個?']) {
      expect(withoutSourceReferences(question)).toBe(question);
    }
  });

  it('leaves a question that is nothing but a reference to the source as it is', () => {
    expect(withoutSourceReferences('文中')).toBe('文中');
  });
});
