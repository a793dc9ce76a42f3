import * as ask from './ask.js';
import * as findSources from './find-sources.js';
import * as help from './help.js';
import * as quote from './quote.js';
import * as sources from './sources.js';
import type { Command } from './types.js';

export type { ChatCommand, Command, MessageCommand } from './types.js';

/** Every command the bot handles and `deploy-commands` registers. */
export const commands: readonly Command[] = [
  { kind: 'chat', data: ask.data, execute: ask.execute },
  { kind: 'chat', data: quote.data, execute: quote.execute, autocomplete: quote.autocomplete },
  { kind: 'chat', data: sources.data, execute: sources.execute },
  { kind: 'chat', data: help.data, execute: help.execute },
  { kind: 'message', data: findSources.data, execute: findSources.execute },
];
