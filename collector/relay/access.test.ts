/**
 * The Host check against DNS rebinding: on by default, kept on with a token and beyond loopback,
 * widened only by `http.allowedHosts`. Unit checks of the policy, then a real server on 127.0.0.1
 * answering /health and /snapshot.sqlite to requests that carry chosen Host headers.
 */
import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allowedHostNames, checkAccess } from './access.ts';
import { createDatabase, startTestServer, tempDir, type TestServer } from './test-support.ts';

const requestWithHost = (host: string | undefined) =>
  ({ headers: host === undefined ? {} : { host } }) as IncomingMessage;
const url = new URL('http://localhost/health');

describe('allowedHostNames and the Host check', () => {
  const decide = (
    http: { host: string; allowedHosts: string[] },
    host: string | undefined,
    token: string | null = null,
  ) => checkAccess(requestWithHost(host), url, { origins: [], token, allowedHosts: allowedHostNames(http) });

  it('allows the loopback names and the bound address, with any port and in any case', () => {
    const loopback = { host: '127.0.0.1', allowedHosts: [] };
    for (const host of ['127.0.0.1:8787', 'localhost', 'LOCALHOST:1', '[::1]:8787', undefined])
      expect(decide(loopback, host).ok).toBe(true);
    expect(decide({ host: '192.168.1.20', allowedHosts: [] }, '192.168.1.20:8787').ok).toBe(true);
    expect(decide({ host: 'fe80::1', allowedHosts: [] }, '[fe80::1]:8787').ok).toBe(true);
  });

  it('refuses other names, with or without a token, until they are listed in allowedHosts', () => {
    const refused = decide({ host: '127.0.0.1', allowedHosts: [] }, 'evil.example:8787', 'a-token-of-16-chars');
    expect(refused).toMatchObject({ ok: false, status: 403, code: 'E_HOST' });
    expect(!refused.ok && refused.message).toMatch(/http\.allowedHosts/);
    // A wildcard bind has no name of its own: only the listed ones (and loopback) pass.
    const lan = { host: '0.0.0.0', allowedHosts: ['board.lan', '192.168.1.20'] };
    expect(decide(lan, 'board.lan:8787').ok).toBe(true);
    expect(decide(lan, '192.168.1.20').ok).toBe(true);
    expect(decide(lan, '0.0.0.0:8787').ok).toBe(false);
    expect(decide(lan, 'board.lan.evil.example').ok).toBe(false);
  });
});

describe('a server with allowedHosts', () => {
  let tmp: ReturnType<typeof tempDir>;
  let srv: TestServer | null = null;
  afterEach(async () => {
    await srv?.close();
    srv = null;
    tmp?.cleanup();
  });

  /** GET with a Host header of our choosing (fetch cannot set it); resolves with the status. */
  const statusFor = (path: string, host: string, token?: string) =>
    new Promise<number>((resolve, reject) => {
      const headers: Record<string, string> = { host, ...(token ? { authorization: `Bearer ${token}` } : {}) };
      request({ host: '127.0.0.1', port: srv!.server.port, path, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });

  it('serves its listed names and refuses a rebinding Host on /health and /snapshot.sqlite, token or not', async () => {
    tmp = tempDir();
    const dbPath = join(tmp.dir, 'live.db');
    createDatabase(dbPath).close();
    const token = 'a-token-of-16-chars';
    srv = await startTestServer({ dbPath, http: { host: '127.0.0.1', allowedHosts: ['board.lan'], token } });
    for (const path of ['/health', '/snapshot.sqlite']) {
      expect(await statusFor(path, 'board.lan:8787', token)).toBe(200);
      expect(await statusFor(path, `127.0.0.1:${srv.server.port}`, token)).toBe(200);
      expect(await statusFor(path, 'rebind.evil.example', token)).toBe(403);
    }
  });
});
