import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvalSet } from '../../src/eval/metrics.js';
import { REPO_ROOT } from '../support/corpus.js';

// The committed eval sets count a hit when an expected string stands in a quote (a verbatim span of
// an article) or, for a question about the articles, in the reply from their sidecars: an expected
// string neither holds could never be met. metadata-facts.jsonl checks counts and language names the
// reply words itself ("2 articles"): left out.
const REPLY_WORDED = new Set(['metadata-facts.jsonl']);

describe('the committed eval sets', async () => {
  const evalDir = path.join(REPO_ROOT, 'eval');
  const corpusDir = path.join(REPO_ROOT, 'corpus');
  const files = (await fs.readdir(evalDir)).filter((name) => name.endsWith('.jsonl'));
  const sources = await Promise.all((await fs.readdir(corpusDir)).filter((name) => /\.(?:txt|meta\.json)$/.test(name)).map((name) => fs.readFile(path.join(corpusDir, name), 'utf8')));

  it('are all found and read', () => {
    expect(files).toEqual(expect.arrayContaining(['dev.jsonl', 'casual.jsonl', 'mixed.jsonl']));
  });

  it.each(files.filter((name) => !REPLY_WORDED.has(name)))('%s: unique ids, and every expected string is verbatim in an article or its sidecar', async (name) => {
    const cases = await readEvalSet(path.join(evalDir, name));
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const missing = cases.flatMap((c) => c.expect.filter((text) => !sources.some((source) => source.includes(text))).map((text) => `${c.id}: ${text}`));
    expect(missing).toEqual([]);
    // A `none` question expects nothing; every other one something.
    expect(cases.filter((c) => (c.kind === 'none') !== (c.expect.length === 0)).map((c) => c.id)).toEqual([]);
  });
});
