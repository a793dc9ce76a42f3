import { describe, expect, it } from 'vitest';
import { detectLang, toSimplified } from '../../src/text/script.js';

describe('telling the language of a text', () => {
  it('reads English, Traditional and Simplified Chinese, and a Chinese sentence with English names', () => {
    expect(detectLang('Who runs Alibaba Cloud now?')).toBe('en');
    expect(detectLang('阿里雲現在由誰負責?')).toBe('zh-Hant');
    expect(detectLang('阿里云现在由谁负责?')).toBe('zh-Hans');
    expect(detectLang('阿里雲的CEO是誰?')).toBe('zh-Hant');
  });

  it('reads a text as Simplified from one character with another Traditional form, and one in characters both scripts share as Traditional', () => {
    expect(detectLang('这')).toBe('zh-Hans');
    expect(detectLang('台北的天气')).toBe('zh-Hans');
    expect(detectLang('公司的名字是什麼')).toBe('zh-Hant');
    expect(detectLang('公司的名字')).toBe('zh-Hant');
  });

  it('tells the script of a long article from its opening, whatever follows', () => {
    const traditional = '阿里雲去年底至今,經歷了兩次故障、兩次換任。'.repeat(400);
    const simplified = '阿里云去年底至今,经历了两次故障、两次换任。'.repeat(400);
    expect(detectLang(traditional)).toBe('zh-Hant');
    expect(detectLang(simplified)).toBe('zh-Hans');
    // An English article quoting Chinese names is English.
    expect(detectLang(`${'The spin-off was called off in November. '.repeat(200)}阿里雲`)).toBe('en');
  });
});

describe('Traditional to Simplified', () => {
  it("converts Taiwan's 甚麼 to 什么, which OpenCC leaves, and keeps 甚 elsewhere", () => {
    expect(toSimplified('為甚麼阿里雲暫停分拆')).toBe('为什么阿里云暂停分拆');
    expect(toSimplified('甚至')).toBe('甚至');
  });
});
