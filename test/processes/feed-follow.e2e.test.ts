/**
 * R-LIB-3 as the province would first try it: the server as its own process (`npm start`'s entry point) on the
 * embedded defaults, a credential issued with `npm run cli -- feed credential`, a resource published through the
 * API, then `npm run cli -- feed follow` from another process reading the server over HTTP: the publication arrives
 * as a CloudEvent. Without the credential the same command is refused.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Platform } from '../../domain/platform.js';
import { createDemoPlatform } from '../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { type PortalTokens, portalTokens, publishThrough } from '../support/publish-through.js';
import { eventually, type ServerProcess, startServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/cli.ts', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('R-LIB-3: the reference consumer follows a server process', () => {
  const dir = tempDir('feed-follow');
  const env = { DATA_DIR: dir.path, AUDIT_CHECKPOINT_INTERVAL_MS: '0' };
  let tokens: PortalTokens;
  let server: ServerProcess;

  beforeAll(async () => {
    const store = openSqliteEventStore(dir.path);
    await createDemoPlatform(new Platform(store));
    await store.close();
    tokens = await portalTokens(env);
    server = await startServerProcess(env);
    await eventually('server ready', () => server.ready(), 120_000);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    dir.remove();
  });

  it('R-LIB-3: a resource published through the API is read by `feed follow` from another process, as a CloudEvent', async () => {
    const issued = await cli(['feed', 'credential', 'anhui-province'], env);
    expect(issued.code, issued.err).toBe(0);
    const credential = issued.out.trim();

    const title = '关于省级资源库对接测试的通知';
    const indexNumber = await publishThrough(server, tokens, 'feed-follow-1', title);

    const follow = { ...env, FEED_URL: server.url, FEED_CREDENTIAL: credential };
    let lines: Array<{ key: string; event: Record<string, unknown> }> = [];
    await eventually(
      'the publication in the feed',
      async () => {
        const read = await cli(['feed', 'follow', 'luan.library.resources', '--until-end'], follow);
        expect(read.code, read.err).toBe(0);
        const events = read.out
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { key: string; event: Record<string, unknown> });
        lines = events;
        return events.some((e) => e.event.subject === indexNumber);
      },
      30_000,
    );
    const event = lines.find((e) => e.event.subject === indexNumber)!.event;
    expect(event).toMatchObject({ specversion: '1.0', subject: indexNumber });
    expect(String(event.datacontenttype)).toMatch(/^application\/json/);
    expect(String(event.type)).toMatch(/published/);
    expect((event.data as { metadata: { title: string } }).metadata.title).toBe(title);

    const refused = await cli(['feed', 'follow', 'luan.library.resources', '--until-end'], {
      ...env,
      FEED_URL: server.url,
      FEED_CREDENTIAL: 'not-a-credential',
    });
    expect(refused.code).not.toBe(0);
  }, 120_000);
});
