import { formatGloss } from '../answer/gloss.js';
import type { APIEmbed } from 'discord.js';
import type { Answer, Passage, Quote, SourceInfo } from '../answer/types.js';
import { t, type UiLang } from '../i18n.js';

/** Discord's message and embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const limits = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedsTotal: 6000,
  embedsPerMessage: 10,
  customId: 100,
  buttonLabel: 80,
  choiceName: 100,
  choiceValue: 100,
  choices: 25,
  threadName: 100,
} as const;

const ellipsis = '…';
const zeroWidthSpace = '\u200b';

const colours = { found: 0x5865f2, unsure: 0xfaa61a, notFound: 0x99aab5, passage: 0x3ba55c } as const;

/** Makes mention syntax inert for display: `@everyone`, `<@id>`, `<@&role>`, `<#channel>`, `</command:id>`. */
export function neutralizeMentions(text: string): string {
  // A zero-width space after `@`/`<` stops Discord parsing a mention while the text still reads the same.
  return text.replace(/@(everyone|here)/gi, `@${zeroWidthSpace}$1`).replace(/<(?=[@#/:]|a:|t:|id:)/g, `<${zeroWidthSpace}`);
}

/**
 * Escapes text for display so it shows as written: every markdown construct and every mention is inert.
 * Linear time (discord.js's escapeMarkdown takes ~100 ms on 5,000 characters, too slow to run while fitting
 * quotes); a backslash before ASCII punctuation always renders as the punctuation alone.
 */
export function escapeDisplayText(text: string): string {
  const inline = text.replace(/[\\*_~`|[\]<>]/g, '\\$&');
  // Block markers only mean something at the start of a line: headings, subtext, lists, numbered lists.
  const blocks = inline.replace(/^([ \t]*)(#{1,3}|-#|[-+]|\d+(?=\.))(?=[ \t.])/gm, (_, indent: string, marker: string) =>
    /^\d/.test(marker) ? `${indent}${marker}\\` : `${indent}\\${marker}`,
  );
  return neutralizeMentions(blocks);
}

/** A question shown as an embed title: escaped, on one line, shortened to Discord's 256 characters. */
export function renderQuestionTitle(question: string): string {
  return fitRendered(collapseWhitespace(stripBidiControls(question)), limits.embedTitle, escapeDisplayText) || '…';
}

/** Removes bidirectional embedding/override/isolate controls, which would let echoed text reorder what follows it. */
export function stripBidiControls(text: string): string {
  return text.replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
}

/** Collapses runs of whitespace (newlines included) to single spaces. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts plain text to at most `max` characters, ending in "…" when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ellipsis.length) return ellipsis.slice(0, max);
  return `${safeSlice(text, max - ellipsis.length).trimEnd()}${ellipsis}`;
}

/**
 * Shortens `raw` so that `render(shortened)` fits in `max` characters, marking the cut with "…".
 * Rendering (escaping, block-quoting) happens after the cut, so an escape is never cut in half.
 * Returns undefined when not even an ellipsis fits.
 */
export function fitRendered(raw: string, max: number, render: (text: string) => string): string | undefined {
  const whole = render(raw);
  if (whole.length <= max) return whole;
  let low = 0;
  let high = raw.length;
  // Rendered length grows with the cut point, so a binary search finds the longest prefix that fits.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (render(withEllipsis(raw, mid)).length <= max) low = mid;
    else high = mid - 1;
  }
  const cut = preferWordBoundary(raw, low);
  const rendered = render(withEllipsis(raw, cut));
  return rendered.length <= max ? rendered : undefined;
}

function withEllipsis(raw: string, cut: number): string {
  return `${safeSlice(raw, cut).trimEnd()}${ellipsis}`;
}

/** Slices at most `end` UTF-16 units without leaving half a surrogate pair. */
function safeSlice(text: string, end: number): string {
  if (end <= 0) return '';
  if (end >= text.length) return text;
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, end - 1) : text.slice(0, end);
}

/** Moves a cut back to the last space when one is near, so English is not cut mid-word; CJK has none. */
function preferWordBoundary(raw: string, cut: number): number {
  if (cut >= raw.length) return cut;
  const window = raw.slice(Math.max(0, cut - 30), cut);
  const space = window.search(/\s\S*$/);
  if (space <= 0) return cut;
  return Math.max(0, cut - 30) + space;
}

/** Renders text as a Discord block quote, every line prefixed, content escaped. */
export function blockQuote(text: string): string {
  return escapeDisplayText(text)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** The citation line under a quote: article title, language, paragraph. */
export function citation(item: { title: string; lang: Quote['lang']; paragraph: number }, ui: UiLang): string {
  const s = t(ui);
  return `— *${escapeDisplayText(item.title)}* · ${s.langName(item.lang)} · ${s.paragraph(item.paragraph)}`;
}

/**
 * One numbered quote: label, block quote, citation. The quote text is shortened with "…" to fit `max`;
 * the label and citation always stay whole. Undefined when not even those fit (the quote is then left out whole).
 */
export function renderQuoteBlock(quote: Quote, ui: UiLang, max: number): string | undefined {
  const head = `**[${quote.n}]**\n`;
  // Under a quote in another language: the gloss line, in italics, never inside the quote itself.
  const gloss = quote.gloss ? `\n*${escapeDisplayText(truncate(formatGloss(quote.gloss, ui), 300))}*` : '';
  const tail = `\n${citation(quote, ui)}${gloss}`;
  const room = max - head.length - tail.length;
  if (room < 8) return undefined;
  const body = fitRendered(quote.text, room, blockQuote);
  return body === undefined ? undefined : `${head}${body}${tail}`;
}

/**
 * Renders items into `budget` characters (as counted by `measure`), `overhead` more per item after the first,
 * sharing the room fairly: short items take what they need and leave the rest to long ones. An item that cannot
 * fit at all is left out whole; order is kept.
 */
export function fitBlocks<T, R = string>(
  items: readonly T[],
  budget: number,
  overhead: number,
  render: (item: T, max: number) => R | undefined,
  measure: (rendered: R) => number = (rendered) => String(rendered).length,
): R[] {
  const natural = items.map((item) => {
    const rendered = render(item, Number.MAX_SAFE_INTEGER);
    return rendered === undefined ? 0 : measure(rendered);
  });
  const order = items.map((_, i) => i).sort((a, b) => (natural[a] ?? 0) - (natural[b] ?? 0));
  const out = new Map<number, R>();
  let remaining = budget - overhead * Math.max(0, items.length - 1);
  let left = items.length;
  for (const index of order) {
    const share = Math.floor(remaining / left);
    left -= 1;
    const item = items[index];
    if (item === undefined) continue;
    const rendered = render(item, share);
    if (rendered === undefined) continue;
    out.set(index, rendered);
    remaining -= measure(rendered);
  }
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, rendered]) => rendered);
}

/** Total characters Discord counts against the 6000 limit for a set of embeds. */
export function embedsLength(embeds: APIEmbed[]): number {
  let total = 0;
  for (const embed of embeds) {
    total += embed.title?.length ?? 0;
    total += embed.description?.length ?? 0;
    total += embed.footer?.text.length ?? 0;
    total += embed.author?.name.length ?? 0;
    for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  }
  return total;
}

/** How the answer view looks in its current state. */
export interface AnswerView {
  answer: Answer;
  /** UI language (the answer's, or the user's locale). */
  ui: UiLang;
  /** A note shown above the quotes, e.g. "No more quotes". */
  note?: string;
}

/** Renders an answer as one embed: the question, the answer (or "not covered"), and numbered verbatim quotes. */
export function renderAnswerEmbed(view: AnswerView, budget: number = limits.embedsTotal): APIEmbed {
  const { answer, ui } = view;
  const s = t(ui);
  const title = renderQuestionTitle(answer.question);
  const footer = truncate(`${s.answeredBy(answer.answeredBy)} · ${answer.timings_ms.total} ms`, limits.embedFooter);
  const descriptionBudget = Math.min(limits.embedDescription, budget - title.length - footer.length);

  const headParts: string[] = [];
  // A reply from the metadata says itself what the corpus does not know ("No author is known for …").
  if (answer.found || answer.reply) {
    if (answer.answer.trim()) headParts.push(fitRendered(answer.answer.trim(), 1200, escapeDisplayText) ?? '');
  } else {
    const notCovered = answer.scopedTo ? s.notCoveredIn(answer.scopedTo.map((article) => article.title)) : s.notCovered;
    headParts.push(`**${answer.confidence === 'unsure' ? s.unsure : notCovered}**`);
  }
  if (view.note) headParts.push(`*${view.note}*`);
  if (answer.quotes.length > 0 && answer.confidence !== 'unsure') headParts.push(answer.found ? s.quotesHeading : s.nearestPassages);
  const head = headParts.join('\n\n');

  const separator = '\n\n';
  const quoteBudget = descriptionBudget - head.length - separator.length;
  const blocks = fitBlocks(answer.quotes, quoteBudget, separator.length, (quote, max) => renderQuoteBlock(quote, ui, max));
  const description = [head, ...blocks].filter(Boolean).join(separator);

  return {
    title,
    description: description || '…',
    color: answer.found ? colours.found : answer.confidence === 'unsure' ? colours.unsure : colours.notFound,
    footer: { text: footer },
  };
}

/** Renders one whole passage (a paragraph) verbatim with its citation, shortened only if it cannot fit `max`. */
export function renderPassageEmbed(passage: Passage, ui: UiLang, title: string, max: number = limits.embedsTotal): APIEmbed {
  const safeTitle = truncate(title, limits.embedTitle);
  const tail = `\n${citation(passage, ui)}`;
  const room = Math.min(limits.embedDescription, max - safeTitle.length) - tail.length;
  const body = fitRendered(passage.text, Math.max(room, 1), blockQuote) ?? ellipsis;
  return { title: safeTitle, description: `${body}${tail}`, color: colours.passage };
}

/**
 * Renders passages as embeds, one per passage, inside Discord's limits: all fit whole when they can; otherwise
 * each is shortened for display (citation kept), and never more than 10.
 */
export function renderPassageEmbeds(passages: Passage[], ui: UiLang, titleOf: (passage: Passage, index: number) => string): APIEmbed[] {
  const shown = passages.slice(0, limits.embedsPerMessage);
  return fitBlocks(
    shown.map((passage, index) => ({ passage, title: titleOf(passage, index) })),
    limits.embedsTotal,
    0,
    ({ passage, title }, max) => {
      const embed = renderPassageEmbed(passage, ui, title, max);
      return embedsLength([embed]) <= max ? embed : undefined;
    },
    (embed) => embedsLength([embed]),
  );
}

/** The autocomplete label for a passage: article title and the start of its text, at most 100 characters. */
export function passageChoiceName(passage: Passage): string {
  const text = collapseWhitespace(passage.text);
  // A long title would leave no room for the passage, which is what tells suggestions apart.
  const title = truncate(collapseWhitespace(passage.title), 40);
  return truncate(`${title} — ${text}`, limits.choiceName);
}

/** Lists the source articles as one embed. */
export function renderSourcesEmbed(sources: SourceInfo[], ui: UiLang): APIEmbed {
  const s = t(ui);
  const lines = sources.map((source) => {
    const details = [source.author, source.publication, source.date].filter((v): v is string => Boolean(v)).map(escapeDisplayText);
    const head = `**${escapeDisplayText(source.title)}**${source.titleEditorial ? ' *(editorial title)*' : ''}`;
    return [head, [s.langName(source.lang), ...details, s.paragraphsCount(source.paragraphs)].join(' · ')].join('\n');
  });
  const blocks = fitBlocks(lines, limits.embedDescription, 2, (line, max) => (line.length <= max ? line : truncate(line, max)));
  return { title: s.sourcesHeading, description: blocks.join('\n\n') || '…', color: colours.found };
}

/** A message body for a short notice: plain content, mentions inert. */
export function renderNotice(text: string): string {
  return truncate(text, limits.content);
}
