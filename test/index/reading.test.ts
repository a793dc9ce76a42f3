import { describe, expect, it } from 'vitest';
import { readingFingerprints, readingLanguage, readsAsRecorded, type DocumentReader } from '../../src/index/reading.js';

// What tells an index's stored features from the ones this code would read: one fingerprint per language.
describe('reading fingerprints', () => {
  const asNow: DocumentReader = (analyzer, text) => analyzer.documentFeatures(text);

  it('are the same on every call, and given only for the languages asked for', () => {
    const both = readingFingerprints(['en', 'zh']);
    expect(both.en).toMatch(/^[0-9a-f]{16}$/);
    expect(both.zh).toMatch(/^[0-9a-f]{16}$/);
    expect(both.en).not.toBe(both.zh);
    expect(readingFingerprints(['zh', 'en', 'zh'])).toEqual(both);
    expect(readingFingerprints(['en'])).toEqual({ en: both.en });
    expect(readingFingerprints([])).toEqual({});
    // Read the same way through another function: the same fingerprints, computed afresh.
    expect(readingFingerprints(['en', 'zh'], asNow)).toEqual(both);
  });

  it('change for the language whose reading changed, and only for it', () => {
    const now = readingFingerprints(['en', 'zh']);
    // A rule that no longer reads figures of Chinese text (its anchors start with a letter and a colon).
    const withoutChineseFigures: DocumentReader = (analyzer, text) => {
      const bag = analyzer.documentFeatures(text);
      if (/\p{Script=Han}/u.test(text)) for (const feature of [...bag.keys()]) if (/^n:/.test(feature)) bag.delete(feature);
      return bag;
    };
    const changed = readingFingerprints(['en', 'zh'], withoutChineseFigures);
    expect(changed.en).toBe(now.en);
    expect(changed.zh).not.toBe(now.zh);
    // A weight read otherwise counts too.
    const heavier: DocumentReader = (analyzer, text) => new Map([...analyzer.documentFeatures(text)].map(([feature, weight]) => [feature, weight * 1.01]));
    expect(readingFingerprints(['en'], heavier).en).not.toBe(now.en);
  });

  it('tell a manifest recorded by this reading from one recorded by another, language by language', () => {
    const now = readingFingerprints(['en', 'zh']);
    expect(readsAsRecorded(now)).toBe(true);
    expect(readsAsRecorded({ en: now.en })).toBe(true);
    expect(readsAsRecorded({})).toBe(true);
    expect(readsAsRecorded({ ...now, zh: 'older rules' })).toBe(false);
    expect(readsAsRecorded({ en: 'older rules' })).toBe(false);
  });

  it('group Traditional and Simplified Chinese as one reading', () => {
    expect(readingLanguage('zh-Hant')).toBe('zh');
    expect(readingLanguage('zh-Hans')).toBe('zh');
    expect(readingLanguage('en')).toBe('en');
  });
});
