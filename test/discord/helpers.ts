/** Reading what the bot sent: message bodies, quotes inside embeds, mention safety. */
import type { FakeDiscord, Json, RecordedRequest } from './fake-discord.js';

/** Undoes display escaping (markdown backslashes, zero-width spaces in mentions) to compare with the source text. */
export function unescapeDisplay(text: string): string {
  return text.replace(/\\([^\p{L}\p{N}\s])/gu, '$1').replace(/([@<])\u200b/g, '$1');
}

/** The numbered quotes in an answer embed: number, verbatim text (unescaped), citation line. */
export function quotesIn(description: string): { n: number; text: string; citation: string }[] {
  return description
    .split('\n\n')
    .filter((block) => /^\*\*\[\d+\]\*\*\n/.test(block))
    .map((block) => {
      const lines = block.split('\n');
      const n = Number(lines[0]?.match(/\d+/)?.[0]);
      const text = unescapeDisplay(
        lines
          .filter((line) => line.startsWith('> '))
          .map((line) => line.slice(2))
          .join('\n'),
      );
      // The citation is the line starting with "— "; a gloss line (in italics) may follow it.
      return { n, text, citation: lines.find((line) => line.startsWith('— ')) ?? '' };
    });
}

/** The text of a passage embed's block quote, unescaped. */
export function passageIn(description: string): string {
  return unescapeDisplay(
    description
      .split('\n')
      .filter((line) => line.startsWith('> '))
      .map((line) => line.slice(2))
      .join('\n'),
  );
}

/** The message body a request carried, whether a callback (`data`) or a message create/edit. */
export function messageBodyOf(request: RecordedRequest): Json | undefined {
  if (request.path.endsWith('/callback')) return request.body?.data && (request.body.type === 4 || request.body.type === 7) ? request.body.data : undefined;
  if (/\/messages(\/[^/]+)?$/.test(request.path) || /^\/webhooks\/\d+\/[^/]+$/.test(request.path)) {
    return request.method === 'POST' || request.method === 'PATCH' ? request.body : undefined;
  }
  return undefined;
}

/** Every message body the bot sent that shows text (content or embeds). */
export function sentMessageBodies(fake: FakeDiscord): { request: RecordedRequest; body: Json }[] {
  return fake.requests.flatMap((request) => {
    const body = messageBodyOf(request);
    return body && (body.content || (body.embeds ?? []).length > 0) ? [{ request, body }] : [];
  });
}

/** Everything visible in a message body, as one string. */
export function visibleText(body: Json): string {
  const parts: string[] = [body.content ?? ''];
  for (const embed of body.embeds ?? []) {
    parts.push(embed.title ?? '', embed.description ?? '', embed.footer?.text ?? '');
    for (const field of embed.fields ?? []) parts.push(field.name, field.value);
  }
  return parts.join('\n');
}

/** All custom ids of the buttons in a message body. */
export function customIdsIn(body: Json): string[] {
  return (body.components ?? []).flatMap((row: Json) => (row.components ?? []).map((component: Json) => component.custom_id as string));
}

/** Finds a button by label prefix or emoji. */
export function buttonIn(body: Json, match: { label?: string; emoji?: string }): Json {
  for (const row of body.components ?? []) {
    for (const component of row.components ?? []) {
      if (match.label && String(component.label ?? '').startsWith(match.label)) return component;
      if (match.emoji && component.emoji?.name === match.emoji) return component;
    }
  }
  throw new Error(`no button ${JSON.stringify(match)} in ${JSON.stringify(body.components)}`);
}
