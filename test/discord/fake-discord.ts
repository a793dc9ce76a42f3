/**
 * A small fake Discord for tests: an HTTP REST server and a WebSocket gateway on 127.0.0.1 (random port) that the
 * real discord.js client logs into. Tests dispatch gateway events and assert on the REST calls the bot makes.
 * It validates message bodies against Discord's limits and answers violations with a 400, as Discord does.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** Any JSON value a test reads from a recorded body; the fake does not model Discord's whole schema. */
export type Json = any;

/** One REST call the bot made. */
export interface RecordedRequest {
  method: string;
  /** Path after `/api/v10`, URL-decoded (`/webhooks/1/abc/messages/@original`). */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Json;
  status: number;
  at: number;
}

/** A canned response for the next matching request(s). */
export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Json;
}

/** A user as Discord sends it. */
export interface FakeUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: null;
  bot?: boolean;
}

interface Session {
  id: string;
  shard: [number, number] | undefined;
  seq: number;
  socket: WebSocket | undefined;
}

interface FakeGuild {
  id: string;
  channels: { id: string; name: string; type: number }[];
}

const epoch = 1_420_070_400_000n;
/** Permission bits the fake enforces (Discord's values). */
export const createPublicThreads = 1n << 35n;
export const sendMessagesInThreads = 1n << 38n;
let snowflakeCounter = 0n;

/** A unique, time-ordered Discord id. */
export function snowflake(): string {
  snowflakeCounter += 1n;
  return (((BigInt(Date.now()) - epoch) << 22n) | (snowflakeCounter & 0x3fffffn)).toString();
}

/** A made-up human user. */
export function fakeUser(name: string): FakeUser {
  return { id: snowflake(), username: name, discriminator: '0', global_name: name, avatar: null };
}

/** Options for the fake server. */
export interface FakeDiscordOptions {
  /** Guild ids to serve; one guild by default. */
  guildIds?: string[];
  /** Heartbeat interval sent in HELLO. */
  heartbeatIntervalMs?: number;
}

/** The fake Discord: start it, point discord.js at `apiBase`, drive it, close it. */
export class FakeDiscord {
  readonly botUser: FakeUser = { id: snowflake(), username: 'Tether', discriminator: '0', global_name: 'Tether', avatar: null, bot: true };
  readonly applicationId = this.botUser.id;
  readonly guilds: FakeGuild[];
  /** Channels where starting a thread is refused with 403 Missing Permissions. */
  readonly noThreadChannels = new Set<string>();
  /** Channels whose threads refuse posts with 403 Missing Access, though the cached permissions allow it. */
  readonly noThreadPostChannels = new Set<string>();
  /** Permission bits denied to @everyone per channel (sent as overwrites in GUILD_CREATE, and enforced). */
  readonly deniedInChannel = new Map<string, bigint>();
  /** Threads deleted through the API. */
  readonly deletedThreads: string[] = [];
  /** Guilds the bot was removed from: REST calls to their channels get 403 Missing Access. */
  readonly removedGuilds = new Set<string>();
  readonly requests: RecordedRequest[] = [];
  /** Limit violations found in bodies the bot sent (each also answered with a 400). */
  readonly violations: string[] = [];
  /** Every IDENTIFY received: its shard pair and intents. */
  readonly identifies: { shard: [number, number] | undefined; intents: number }[] = [];
  /** Every RESUME received. */
  readonly resumes: { sessionId: string; seq: number }[] = [];
  readonly commands = new Map<string, Json[]>();
  readonly messages = new Map<string, Json>();

  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<string, Session>();
  private readonly canned: { method: string; path: RegExp; response: CannedResponse; times: number; active?: () => boolean }[] = [];
  private readonly holds: { method: string; path: RegExp; arrived: (request: RecordedRequest) => void; released: Promise<void> }[] = [];
  private readonly waiters: { predicate: (request: RecordedRequest) => boolean; resolve: (request: RecordedRequest) => void }[] = [];
  private readonly threadParents = new Map<string, string>();
  /** Threads that exist before login (sent in GUILD_CREATE, as Discord does for active threads). */
  private readonly existingThreads: Json[] = [];
  private readonly originals = new Map<string, string>();
  private readonly heartbeatIntervalMs: number;
  private port = 0;

  private constructor(options: FakeDiscordOptions) {
    this.guilds = (options.guildIds ?? [snowflake()]).map((id) => ({
      id,
      channels: [
        { id: snowflake(), name: 'general', type: 0 },
        { id: snowflake(), name: 'no-threads', type: 0 },
        { id: snowflake(), name: 'other', type: 0 },
      ],
    }));
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.server = http.createServer((request, response) => void this.handleHttp(request, response));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (request, socket, head) => {
      this.wss.handleUpgrade(request, socket, head, (ws) => this.handleSocket(ws));
    });
  }

  /** Starts the fake on a random loopback port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** What discord.js takes as `rest.api`. */
  get apiBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  /** The first guild and its channels, for most tests. */
  get guild(): FakeGuild {
    const guild = this.guilds[0];
    if (!guild) throw new Error('no guild');
    return guild;
  }

  /** A channel of the first guild by name. */
  channel(name: 'general' | 'no-threads' | 'other'): string {
    const channel = this.guild.channels.find((c) => c.name === name);
    if (!channel) throw new Error(`no channel ${name}`);
    return channel.id;
  }

  /** Stops everything so the test process can exit. */
  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ── REST ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** Answers the next `times` requests matching `method` and `path` with `response` instead of the usual. */
  failNext(method: string, path: RegExp, response: CannedResponse, times = 1): void {
    this.canned.push({ method, path, response, times });
  }

  /**
   * Answers every request matching `method` and `path` with `response` while `active()` is true: an outage whose
   * end a test decides (e.g. by the bot's clock, so no test waits in real time).
   */
  failWhile(method: string, path: RegExp, response: CannedResponse, active: () => boolean): void {
    this.canned.push({ method, path, response, times: Number.POSITIVE_INFINITY, active });
  }

  /**
   * Holds the response to the next request matching `method` and `path` until `release()`: `arrived` resolves
   * when the request came in, so a test can act (send a signal, remove a guild) while the bot waits for Discord.
   */
  holdNext(method: string, path: RegExp): { arrived: Promise<RecordedRequest>; release: () => void } {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived: (request: RecordedRequest) => void = () => undefined;
    const arrival = new Promise<RecordedRequest>((resolve) => {
      arrived = resolve;
    });
    this.holds.push({ method, path, arrived, released });
    return { arrived: arrival, release };
  }

  /** Removes the bot from a guild, as when it is kicked: GUILD_DELETE, and its channels refuse calls from now on. */
  removeBotFromGuild(guildId: string): void {
    this.removedGuilds.add(guildId);
    this.dispatch('GUILD_DELETE', { id: guildId }, guildId);
  }

  /** Resolves with the first recorded (or future) request matching `predicate`. */
  waitForRequest(predicate: (request: RecordedRequest) => boolean, timeoutMs = 15_000): Promise<RecordedRequest> {
    const existing = this.requests.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.findIndex((waiter) => waiter.resolve === done);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`fake Discord: no matching request within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (request: RecordedRequest) => {
        clearTimeout(timer);
        resolve(request);
      };
      this.waiters.push({ predicate, resolve: done });
    });
  }

  /** REST calls made for an interaction: its callback and any webhook calls with its token. */
  interactionRequests(interaction: { id: string; token: string }): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.path.startsWith(`/interactions/${interaction.id}/`) || request.path.startsWith(`/webhooks/${this.applicationId}/${interaction.token}`),
    );
  }

  /** Waits for the callback of an interaction (`POST /interactions/:id/:token/callback`). */
  waitForCallback(interaction: { id: string }, timeoutMs?: number): Promise<RecordedRequest> {
    return this.waitForRequest((request) => request.method === 'POST' && request.path === `/interactions/${interaction.id}/${tokenOf(request)}/callback`, timeoutMs);
  }

  /** Waits for the edit of an interaction's original reply. */
  waitForOriginalEdit(interaction: { token: string }, timeoutMs?: number): Promise<RecordedRequest> {
    return this.waitForRequest(
      (request) => request.method === 'PATCH' && request.path === `/webhooks/${this.applicationId}/${interaction.token}/messages/@original` && request.status < 300,
      timeoutMs,
    );
  }

  /** The message currently shown as an interaction's original reply. */
  originalMessage(interaction: { token: string }): Json {
    const id = this.originals.get(interaction.token);
    return id ? this.messages.get(id) : undefined;
  }

  private async handleHttp(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(request);
    let body: Json;
    try {
      body = raw && String(request.headers['content-type']).includes('json') ? JSON.parse(raw) : raw || undefined;
    } catch {
      body = raw;
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const method = request.method ?? 'GET';
    const recorded: RecordedRequest = { method, path, query: url.searchParams, headers: request.headers, body, status: 0, at: Date.now() };

    const hold = this.holds.find((entry) => entry.method === method && entry.path.test(path));
    if (hold) {
      this.holds.splice(this.holds.indexOf(hold), 1);
      hold.arrived(recorded);
      await hold.released;
    }
    const canned = this.canned.find((entry) => entry.method === method && entry.path.test(path) && entry.times > 0 && (entry.active?.() ?? true));
    let result: CannedResponse;
    if (canned) {
      canned.times -= 1;
      result = canned.response;
    } else {
      try {
        result = this.route(method, path, body, url.searchParams);
      } catch (error) {
        result = { status: 500, body: { message: String(error), code: 0 } };
      }
    }
    recorded.status = result.status;
    this.requests.push(recorded);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(recorded)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(recorded);
      }
    }
    const headers: Record<string, string> = { ...result.headers };
    if (result.body === undefined) {
      response.writeHead(result.status, headers).end();
    } else {
      response.writeHead(result.status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(result.body));
    }
  }

  private route(method: string, path: string, body: Json, query: URLSearchParams): CannedResponse {
    const ok = (value: Json): CannedResponse => ({ status: 200, body: value });
    const noContent: CannedResponse = { status: 204 };
    let m: RegExpMatchArray | null;

    if (method === 'GET' && path === '/gateway/bot') {
      return ok({ url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    }
    if (method === 'GET' && path === '/gateway') return ok({ url: this.gatewayUrl });
    if (method === 'GET' && path === '/users/@me') return ok(this.botUser);
    if (method === 'GET' && path === '/applications/@me') return ok({ id: this.applicationId, name: 'Tether', bot: this.botUser, flags: 0, description: '' });

    if ((m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
      const key = m[2] ? `guild:${m[2]}` : 'global';
      if (method === 'PUT') {
        const list = (body as Json[]).map((command) => ({ ...command, id: snowflake(), application_id: m?.[1], version: snowflake() }));
        const problems = (body as Json[]).flatMap(validateCommand);
        if (problems.length > 0) return this.reject(problems);
        this.commands.set(key, list);
        return ok(list);
      }
      if (method === 'GET') return ok(this.commands.get(key) ?? []);
    }

    if ((m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/)) && method === 'POST') {
      const token = m[2] ?? '';
      const problems = validateCallback(body);
      if (problems.length > 0) return this.reject(problems);
      const data = body?.data ?? {};
      if (body?.type === 4 || body?.type === 5) {
        const message = this.storeMessage({ channel_id: '0', content: data.content ?? '', embeds: data.embeds ?? [], components: data.components ?? [], flags: data.flags ?? 0 });
        this.originals.set(token, message.id);
      } else if (body?.type === 7) {
        const id = this.originals.get(token);
        if (id) this.storeMessage({ ...this.messages.get(id), ...data, id });
      }
      return query.get('with_response') === 'true' ? ok({ interaction: { id: m[1], type: 2 } }) : noContent;
    }

    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/))) {
      const token = m[2] ?? '';
      const id = m[3] === '@original' ? this.originals.get(token) : m[3];
      const existing = id ? this.messages.get(id) : undefined;
      if (method === 'GET') return existing ? ok(existing) : this.notFound();
      if (method === 'DELETE') return noContent;
      if (method === 'PATCH') {
        const problems = validateMessage(body, true);
        if (problems.length > 0) return this.reject(problems);
        const message = this.storeMessage({ ...existing, ...body, id: id ?? snowflake(), channel_id: existing?.channel_id ?? '0' });
        if (m[3] === '@original') this.originals.set(token, message.id);
        return ok(message);
      }
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)$/)) && method === 'POST') {
      const problems = validateMessage(body, false);
      if (problems.length > 0) return this.reject(problems);
      return ok(this.storeMessage({ ...body, channel_id: '0' }));
    }

    if ((m = path.match(/^\/channels\/(\d+)/)) && this.removedGuilds.has(this.guildOfChannel(m[1] ?? '') ?? '')) {
      return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    }
    if ((m = path.match(/^\/channels\/(\d+)\/typing$/)) && method === 'POST') return noContent;
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/)) && method === 'PUT') return noContent;
    if ((m = path.match(/^\/channels\/(\d+)$/)) && method === 'DELETE') {
      const parentId = this.threadParents.get(m[1] ?? '');
      if (!parentId) return this.notFound();
      this.threadParents.delete(m[1] ?? '');
      this.deletedThreads.push(m[1] ?? '');
      return ok({ id: m[1], type: 11, parent_id: parentId, guild_id: this.guildOfChannel(parentId), name: 'deleted' });
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages$/)) && method === 'POST') {
      const parentId = this.threadParents.get(m[1] ?? '');
      if (parentId && (this.noThreadPostChannels.has(parentId) || this.denies(parentId, sendMessagesInThreads))) {
        return { status: 403, body: { message: 'Missing Access', code: 50001 } };
      }
      const problems = validateMessage(body, false);
      if (problems.length > 0) return this.reject(problems);
      return ok(this.storeMessage({ ...body, channel_id: m[1], guild_id: this.guildOfChannel(m[1] ?? '') }));
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/)) && method === 'POST') {
      const channelId = m[1] ?? '';
      if (this.noThreadChannels.has(channelId) || this.denies(channelId, createPublicThreads)) return { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
      const threadId = m[2] ?? '';
      this.threadParents.set(threadId, channelId);
      return ok({
        id: threadId,
        type: 11,
        guild_id: this.guildOfChannel(channelId),
        parent_id: channelId,
        owner_id: this.botUser.id,
        name: body?.name,
        last_message_id: null,
        message_count: 0,
        member_count: 1,
        rate_limit_per_user: 0,
        flags: 0,
        thread_metadata: { archived: false, auto_archive_duration: body?.auto_archive_duration ?? 1440, archive_timestamp: new Date().toISOString(), locked: false },
      });
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const existing = this.messages.get(m[2] ?? '');
      if (method === 'GET') return existing ? ok(existing) : this.notFound();
      if (method === 'PATCH' && existing) {
        const problems = validateMessage(body, true);
        if (problems.length > 0) return this.reject(problems);
        return ok(this.storeMessage({ ...existing, ...body, id: existing.id }));
      }
    }
    return this.notFound();
  }

  private denies(channelId: string, permission: bigint): boolean {
    return ((this.deniedInChannel.get(channelId) ?? 0n) & permission) !== 0n;
  }

  private notFound(): CannedResponse {
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  private reject(problems: string[]): CannedResponse {
    this.violations.push(...problems);
    return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: problems } };
  }

  private guildOfChannel(channelId: string): string | undefined {
    const parent = this.threadParents.get(channelId) ?? channelId;
    return this.guilds.find((guild) => guild.channels.some((channel) => channel.id === parent))?.id;
  }

  /** Stores a message the bot sent (or a user message a test created) and returns it in Discord's shape. */
  storeMessage(partial: Json): Json {
    const message = {
      id: partial.id ?? snowflake(),
      channel_id: partial.channel_id,
      ...(partial.guild_id ? { guild_id: partial.guild_id } : {}),
      author: partial.author ?? this.botUser,
      content: partial.content ?? '',
      timestamp: partial.timestamp ?? new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: partial.mentions ?? [],
      mention_roles: partial.mention_roles ?? [],
      attachments: [],
      embeds: partial.embeds ?? [],
      components: partial.components ?? [],
      pinned: false,
      type: partial.message_reference ? 19 : 0,
      flags: partial.flags ?? 0,
      ...(partial.message_reference ? { message_reference: partial.message_reference } : {}),
      ...(partial.referenced_message ? { referenced_message: partial.referenced_message } : {}),
      ...(partial.allowed_mentions ? { allowed_mentions: partial.allowed_mentions } : {}),
    };
    this.messages.set(message.id, message);
    return message;
  }

  /**
   * Makes a thread the bot started earlier on `starter` (a message in `parentId`), as after a restart: it arrives
   * in GUILD_CREATE, and its starter message can be fetched. Call before the bot logs in.
   */
  addExistingThread(parentId: string, starter: Json, name = 'Earlier question'): string {
    const guildId = this.guildOfChannel(parentId);
    this.threadParents.set(starter.id, parentId);
    this.existingThreads.push({
      id: starter.id,
      type: 11,
      guild_id: guildId,
      parent_id: parentId,
      owner_id: this.botUser.id,
      name,
      last_message_id: null,
      message_count: 1,
      member_count: 2,
      rate_limit_per_user: 0,
      flags: 0,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
    });
    return starter.id;
  }

  // ── Gateway ───────────────────────────────────────────────────────────────────────────────────────────────

  /** Resolves once `count` sessions have identified and received READY. */
  async waitForSessions(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.identifies.length < count) {
      if (Date.now() > deadline) throw new Error(`fake Discord: ${this.identifies.length} of ${count} sessions identified`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Closes every open gateway socket with `code` (4000 = unknown error: the client resumes). */
  closeGateway(code: number): void {
    for (const session of this.sessions.values()) {
      session.socket?.close(code, 'fake Discord closed the connection');
      session.socket = undefined;
    }
  }

  /** How many sessions have an open socket right now. */
  get openSessions(): number {
    return [...this.sessions.values()].filter((session) => session.socket).length;
  }

  /** Sends a dispatch event to the session that owns `guildId` (shard 0 for DMs), or to all when unsharded. */
  dispatch(type: string, data: Json, guildId?: string): void {
    const targets = [...this.sessions.values()].filter((session) => {
      if (!session.socket) return false;
      if (!session.shard) return true;
      const [shard, count] = session.shard;
      return guildId ? Number((BigInt(guildId) >> 22n) % BigInt(count)) === shard : shard === 0;
    });
    if (targets.length === 0) throw new Error(`fake Discord: no open session for ${type}`);
    for (const session of targets) this.send(session, { op: 0, t: type, s: ++session.seq, d: data });
  }

  private send(session: Session, payload: Json): void {
    session.socket?.send(JSON.stringify(payload));
  }

  private handleSocket(ws: WebSocket): void {
    let session: Session | undefined;
    ws.send(JSON.stringify({ op: 10, s: null, t: null, d: { heartbeat_interval: this.heartbeatIntervalMs } }));
    ws.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: Json };
      switch (payload.op) {
        case 1:
          ws.send(JSON.stringify({ op: 11, s: null, t: null, d: null }));
          break;
        case 2: {
          const shard = payload.d.shard as [number, number] | undefined;
          this.identifies.push({ shard, intents: payload.d.intents });
          session = { id: randomBytes(8).toString('hex'), shard, seq: 0, socket: ws };
          this.sessions.set(session.id, session);
          const guilds = this.guilds.filter((guild) => !shard || Number((BigInt(guild.id) >> 22n) % BigInt(shard[1])) === shard[0]);
          this.send(session, {
            op: 0,
            t: 'READY',
            s: ++session.seq,
            d: {
              v: 10,
              user: this.botUser,
              guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
              session_id: session.id,
              resume_gateway_url: this.gatewayUrl,
              application: { id: this.applicationId, flags: 0 },
              ...(shard ? { shard } : {}),
            },
          });
          for (const guild of guilds) this.send(session, { op: 0, t: 'GUILD_CREATE', s: ++session.seq, d: this.guildPayload(guild) });
          break;
        }
        case 6: {
          const resumed = this.sessions.get(payload.d.session_id);
          this.resumes.push({ sessionId: payload.d.session_id, seq: payload.d.seq });
          if (!resumed) {
            ws.send(JSON.stringify({ op: 9, s: null, t: null, d: false }));
            break;
          }
          session = resumed;
          session.socket = ws;
          this.send(session, { op: 0, t: 'RESUMED', s: ++session.seq, d: {} });
          break;
        }
        default:
          break;
      }
    });
    ws.on('close', () => {
      if (session && session.socket === ws) session.socket = undefined;
    });
  }

  private guildPayload(guild: FakeGuild): Json {
    const joined = new Date().toISOString();
    return {
      id: guild.id,
      name: 'Test guild',
      icon: null,
      owner_id: snowflake(),
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [{ id: guild.id, name: '@everyone', permissions: '2248473465835073', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      system_channel_id: null,
      joined_at: joined,
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [{ user: this.botUser, roles: [], joined_at: joined, deaf: false, mute: false, flags: 0 }],
      channels: guild.channels.map((channel, position) => ({
        id: channel.id,
        type: channel.type,
        guild_id: guild.id,
        name: channel.name,
        position,
        permission_overwrites: this.deniedInChannel.has(channel.id)
          ? [{ id: guild.id, type: 0, allow: '0', deny: String(this.deniedInChannel.get(channel.id)) }]
          : [],
        parent_id: null,
        topic: null,
        nsfw: false,
        last_message_id: null,
        rate_limit_per_user: 0,
      })),
      threads: this.existingThreads.filter((thread) => thread.guild_id === guild.id),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      premium_tier: 0,
      preferred_locale: 'en-US',
      nsfw_level: 0,
    };
  }

  // ── Events a test sends ───────────────────────────────────────────────────────────────────────────────────

  private member(user: FakeUser): Json {
    return { user, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, nick: null, avatar: null, pending: false, permissions: '2248473465835073' };
  }

  private interactionBase(type: number, data: Json, options: InteractionOptions): { id: string; token: string; payload: Json } {
    const id = snowflake();
    const token = `tok_${randomBytes(12).toString('hex')}`;
    const user = options.user;
    const inDm = options.dm === true;
    const channelId = options.channelId ?? (inDm ? snowflake() : this.channel('general'));
    const guildId = inDm ? undefined : this.guildOfChannel(channelId) ?? this.guild.id;
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type,
      data,
      channel_id: channelId,
      channel: inDm ? { id: channelId, type: 1, recipients: [user] } : { id: channelId, type: 0, guild_id: guildId, name: 'general' },
      token,
      version: 1,
      locale: options.locale ?? 'en-US',
      app_permissions: '2248473465835073',
      entitlements: [],
      authorizing_integration_owners: {},
      context: inDm ? 1 : 0,
      ...(options.message ? { message: options.message } : {}),
      ...(inDm ? { user } : { guild_id: guildId, guild_locale: 'en-US', member: this.member(user) }),
    };
    return { id, token, payload };
  }

  /** Sends a slash command (interaction type 2, command type 1). */
  slashCommand(name: string, options: Record<string, string | boolean>, interaction: InteractionOptions): SentInteraction {
    const data = {
      id: snowflake(),
      name,
      type: 1,
      options: Object.entries(options).map(([optionName, value]) => ({ name: optionName, type: typeof value === 'boolean' ? 5 : 3, value })),
    };
    return this.sendInteraction(this.interactionBase(2, data, interaction), interaction);
  }

  /** Sends an autocomplete request (interaction type 4) with `focused` the option being typed. */
  autocomplete(name: string, optionName: string, typed: string, interaction: InteractionOptions): SentInteraction {
    const data = { id: snowflake(), name, type: 1, options: [{ name: optionName, type: 3, value: typed, focused: true }] };
    return this.sendInteraction(this.interactionBase(4, data, interaction), interaction);
  }

  /** Sends a message context-menu command (interaction type 2, command type 3) on `target`. */
  messageCommand(name: string, target: Json, interaction: InteractionOptions): SentInteraction {
    const data = { id: snowflake(), name, type: 3, target_id: target.id, resolved: { messages: { [target.id]: target } } };
    return this.sendInteraction(this.interactionBase(2, data, interaction), interaction);
  }

  /** Presses a button (interaction type 3, component type 2) on `message`. */
  pressButton(customId: string, message: Json, interaction: InteractionOptions): SentInteraction {
    const data = { custom_id: customId, component_type: 2 };
    return this.sendInteraction(this.interactionBase(3, data, { ...interaction, message }), interaction);
  }

  private sendInteraction(built: { id: string; token: string; payload: Json }, options: InteractionOptions): SentInteraction {
    this.dispatch('INTERACTION_CREATE', built.payload, options.dm ? undefined : built.payload.guild_id);
    return { id: built.id, token: built.token, channelId: built.payload.channel_id };
  }

  /** Sends MESSAGE_CREATE from `author` in a channel; `mentionBot` puts the bot in `mentions` like a real ping. */
  userMessage(options: {
    author: FakeUser;
    content: string;
    channelId?: string;
    mentionBot?: boolean;
    replyTo?: Json;
    dm?: boolean;
  }): Json {
    const channelId = options.channelId ?? (options.dm ? snowflake() : this.channel('general'));
    const guildId = options.dm ? undefined : this.guildOfChannel(channelId);
    const mentions = options.mentionBot ? [this.botUser] : [];
    const message = this.storeMessage({
      channel_id: channelId,
      guild_id: guildId,
      author: options.author,
      content: options.content,
      mentions,
      ...(options.replyTo
        ? { message_reference: { message_id: options.replyTo.id, channel_id: options.replyTo.channel_id, guild_id: guildId }, referenced_message: options.replyTo }
        : {}),
    });
    // Discord says which kind of channel a message is in; discord.js needs it to build an uncached DM channel.
    const channelType = options.dm ? 1 : this.threadParents.has(channelId) ? 11 : 0;
    const member = guildId ? { member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 } } : {};
    const event = { ...message, channel_type: channelType, ...member };
    this.dispatch('MESSAGE_CREATE', event, guildId);
    return message;
  }
}

/** Who sends an interaction, and where. */
export interface InteractionOptions {
  user: FakeUser;
  channelId?: string;
  locale?: string;
  dm?: boolean;
  message?: Json;
}

/** The ids a test needs to find the REST calls an interaction caused. */
export interface SentInteraction {
  id: string;
  token: string;
  channelId: string;
}

function tokenOf(request: RecordedRequest): string {
  return request.path.split('/')[3] ?? '';
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

// ── Discord's limits, checked on everything the bot sends ──────────────────────────────────────────────────

/** Problems with a message body under Discord's limits; empty when fine. */
export function validateMessage(body: Json, isEdit: boolean): string[] {
  const problems: string[] = [];
  if (!body || typeof body !== 'object') return ['body is not a JSON object'];
  const content: string = body.content ?? '';
  if (content.length > 2000) problems.push(`content is ${content.length} > 2000 characters`);
  const embeds: Json[] = body.embeds ?? [];
  if (embeds.length > 10) problems.push(`${embeds.length} embeds > 10`);
  let total = 0;
  for (const embed of embeds) {
    const title: string = embed.title ?? '';
    const description: string | undefined = embed.description;
    if (title.length > 256) problems.push(`embed title ${title.length} > 256`);
    if (description !== undefined && description.length === 0) problems.push('embed description is empty');
    if ((description ?? '').length > 4096) problems.push(`embed description ${(description ?? '').length} > 4096`);
    const fields: Json[] = embed.fields ?? [];
    if (fields.length > 25) problems.push(`${fields.length} embed fields > 25`);
    for (const field of fields) {
      if (field.name.length > 256) problems.push(`field name ${field.name.length} > 256`);
      if (field.value.length > 1024) problems.push(`field value ${field.value.length} > 1024`);
      total += field.name.length + field.value.length;
    }
    const footer: string = embed.footer?.text ?? '';
    if (footer.length > 2048) problems.push(`footer ${footer.length} > 2048`);
    total += title.length + (description ?? '').length + footer.length + (embed.author?.name?.length ?? 0);
  }
  if (total > 6000) problems.push(`embeds total ${total} > 6000`);
  problems.push(...validateComponents(body.components ?? []));
  if (!isEdit && !content && embeds.length === 0 && (body.components ?? []).length === 0) problems.push('message is empty');
  return problems;
}

function validateComponents(rows: Json[]): string[] {
  const problems: string[] = [];
  if (rows.length > 5) problems.push(`${rows.length} action rows > 5`);
  for (const row of rows) {
    const components: Json[] = row.components ?? [];
    if (components.length > 5) problems.push(`${components.length} buttons in a row > 5`);
    for (const component of components) {
      const id: string | undefined = component.custom_id;
      if (id !== undefined && (id.length < 1 || id.length > 100)) problems.push(`custom_id length ${id.length} not in 1..100`);
      if ((component.label ?? '').length > 80) problems.push(`button label ${component.label.length} > 80`);
      if (!component.label && !component.emoji) problems.push('button has neither label nor emoji');
    }
  }
  return problems;
}

function validateCallback(body: Json): string[] {
  if (!body || typeof body.type !== 'number') return ['callback without a type'];
  if (body.type === 8) {
    const choices: Json[] = body.data?.choices ?? [];
    const problems: string[] = [];
    if (choices.length > 25) problems.push(`${choices.length} choices > 25`);
    for (const choice of choices) {
      if (choice.name.length < 1 || choice.name.length > 100) problems.push(`choice name length ${choice.name.length} not in 1..100`);
      if (String(choice.value).length > 100) problems.push(`choice value length ${String(choice.value).length} > 100`);
    }
    return problems;
  }
  if (body.type === 4) return validateMessage(body.data, false);
  if (body.type === 7) return validateMessage(body.data ?? {}, true);
  return [];
}

function validateCommand(command: Json): string[] {
  const problems: string[] = [];
  if (!command.name || command.name.length > 32) problems.push(`command name "${command.name}" not in 1..32`);
  if ((command.type ?? 1) === 1 && (!command.description || command.description.length > 100)) problems.push(`command /${command.name} description length not in 1..100`);
  return problems;
}
