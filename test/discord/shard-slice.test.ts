/** SHARD_IDS and SHARD_COUNT (issue 11, item 9): a process runs part of the shards when machines share one bot. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

function discordSettings(env: Record<string, string>) {
  return loadConfig({ LOG_LEVEL: 'silent', ...env }, '/project').discord;
}

describe('SHARD_IDS and SHARD_COUNT', () => {
  it('reads ids and inclusive ranges, sorted, without repeats', () => {
    expect(discordSettings({ SHARD_IDS: '3, 0-1,1', SHARD_COUNT: '4' }).shardSlice).toEqual({ ids: [0, 1, 3], count: 4 });
    expect(discordSettings({}).shardSlice).toBeUndefined();
  });

  it('names each mistake: one set without the other, an id past the count, mixed with SHARDS, a bad id', () => {
    expect(() => discordSettings({ SHARD_IDS: '0' })).toThrow(/SHARD_IDS and SHARD_COUNT: set both/);
    expect(() => discordSettings({ SHARD_COUNT: '2' })).toThrow(/SHARD_IDS and SHARD_COUNT: set both/);
    expect(() => discordSettings({ SHARD_IDS: '1-2', SHARD_COUNT: '2' })).toThrow(/SHARD_IDS: shard ids run from 0 to SHARD_COUNT - 1 \(1\), got 2/);
    expect(() => discordSettings({ SHARD_IDS: '0', SHARD_COUNT: '2', SHARDS: '2' })).toThrow(/SHARDS and SHARD_IDS/);
    expect(() => discordSettings({ SHARD_IDS: 'one', SHARD_COUNT: '2' })).toThrow(/SHARD_IDS: must be shard ids or ranges/);
    expect(() => discordSettings({ SHARD_IDS: '3-1', SHARD_COUNT: '4' })).toThrow(/got "3-1"/);
  });

  it('in a process the ShardingManager started, its SHARDS and SHARD_COUNT are not read as settings', () => {
    const settings = discordSettings({ SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2' });
    expect(settings).toMatchObject({ isShard: true, shards: undefined, shardSlice: undefined });
  });
});

describe('SHARD_SPAWN_DELAY_MS', () => {
  it("defaults to discord.js's 5.5 s, takes 0 or more, and names a bad value", () => {
    expect(discordSettings({}).shardSpawnDelayMs).toBe(5500);
    expect(discordSettings({ SHARD_SPAWN_DELAY_MS: '0' }).shardSpawnDelayMs).toBe(0);
    expect(() => discordSettings({ SHARD_SPAWN_DELAY_MS: '-1' })).toThrow(/SHARD_SPAWN_DELAY_MS: must be a whole number \(0 or more\), got "-1"/);
  });
});
