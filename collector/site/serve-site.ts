/**
 * Serves the built static site (dist/) for the demo, on 127.0.0.1. When dist/ is missing it
 * builds it first in a child process (`astro build`) and answers 503 with a note meanwhile, so
 * the collector and relay are never held up by the site.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { Logger } from '../../core/log.ts';
import { createStaticHandler } from './static-files.ts';

export interface SiteServer {
  port: number;
  close(): Promise<void>;
}

function build(root: string, logger: Logger): Promise<boolean> {
  logger.info({}, 'site not built yet: running astro build (the relay is already up)');
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/astro/astro.js'), 'build'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('exit', (code) => {
      if (code === 0) logger.info({}, 'site built');
      else logger.error({ code, stderr: err }, 'site build failed; run `npm run build` to see why');
      done(code === 0);
    });
  });
}

export async function serveSite(opts: {
  port: number;
  host?: string;
  root?: string;
  logger: Logger;
}): Promise<SiteServer> {
  const root = resolve(opts.root ?? '.');
  const dist = join(root, 'dist');
  let ready = existsSync(join(dist, 'index.html'));
  if (!ready) void build(root, opts.logger).then((ok) => (ready = ok));

  const serveFile = createStaticHandler(dist, { 'cache-control': 'no-cache' });
  const server: Server = createServer((req, res) => {
    if (!ready) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' })
        .end('The site is being built; reload in a few seconds.\n');
      return;
    }
    serveFile(req, res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => ok());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
