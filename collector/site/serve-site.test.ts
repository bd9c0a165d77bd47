/**
 * The demo's site server under hostile request targets, over a real socket: every malformed or
 * escaping target gets a 4xx and the server keeps serving; nothing outside dist/ is ever sent,
 * not through a sibling folder whose name starts with "dist" nor through a symlink.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/log.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { serveSite, type SiteServer } from './serve-site.ts';
import { MAX_TARGET_LENGTH } from './site-path.ts';

const root = tempDir('fb-serve-site-');
let site: SiteServer;

/** Sends the target byte for byte (no client-side normalising) and returns status and body. */
function get(target: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const socket = connect(site.port, '127.0.0.1', () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    let reply = '';
    socket.on('data', (d) => (reply += d));
    socket.on('error', fail);
    socket.on('close', () =>
      done({ status: Number(reply.split(' ', 2)[1]), body: reply.slice(reply.indexOf('\r\n\r\n') + 4) }),
    );
  });
}

beforeAll(async () => {
  const dist = join(root, 'dist');
  mkdirSync(join(dist, 'replay'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<p>home</p>');
  writeFileSync(join(dist, 'replay', 'index.html'), '<p>replay</p>');
  writeFileSync(join(dist, 'about.html'), '<p>about</p>');
  writeFileSync(join(dist, '404.html'), '<p>not here</p>');
  mkdirSync(join(root, 'dist-private'));
  writeFileSync(join(root, 'dist-private', 'secret.txt'), 'secret');
  writeFileSync(join(root, 'secret.txt'), 'secret');
  symlinkSync(join(root, 'dist-private'), join(dist, 'linked'));
  site = await serveSite({ port: 0, root, logger: silentLogger });
});
afterAll(() => site?.close());

describe('site server', () => {
  it('serves pages, folders as index.html and extensionless .html', async () => {
    expect(await get('/')).toMatchObject({ status: 200, body: '<p>home</p>' });
    expect(await get('/replay/?session=x')).toMatchObject({ status: 200, body: '<p>replay</p>' });
    expect(await get('/about')).toMatchObject({ status: 200, body: '<p>about</p>' });
    expect(await get('/missing')).toMatchObject({ status: 404, body: '<p>not here</p>' });
  });

  it.each([
    ['a bad escape', 400, '/%ff'],
    ['a lone %', 400, '/%'],
    ['overlong UTF-8 dots', 400, '/%c0%ae%c0%ae/'],
    ['a NUL byte', 400, '/index.html%00.txt'],
    ['a target one byte too long', 414, `/${'a'.repeat(MAX_TARGET_LENGTH)}`],
    ['a 9,000-byte target', 414, `/${'a'.repeat(9000)}`],
    ['an asterisk target', 400, '*'],
  ])('answers %s with %i and keeps serving', async (_label, status, target) => {
    expect((await get(target)).status).toBe(status);
    expect((await get('/')).status).toBe(200);
  });

  it.each([
    '/..%2fdist-private%2fsecret.txt',
    '/../dist-private/secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%5csecret.txt',
    '/replay/..%2f..%2fsecret.txt',
    '/linked/secret.txt',
  ])('never serves a file outside dist/ (%s)', async (target) => {
    const reply = await get(target);
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.body).not.toContain('secret');
  });
});
