/**
 * Serves the built static site (dist/) for the demo, on 127.0.0.1. When dist/ is missing it
 * builds it first in a child process (`astro build`) and answers 503 with a note meanwhile, so
 * the collector and relay are never held up by the site.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { Logger } from '../../replay/core/log.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.sqlite': 'application/vnd.sqlite3',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface SiteServer {
  port: number;
  close(): Promise<void>;
}

function build(root: string, logger: Logger): Promise<boolean> {
  logger.info({}, 'site not built yet: running astro build (the relay is already up)');
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/astro/astro.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('exit', (code) => {
      if (code === 0) logger.info({}, 'site built');
      else logger.error({ code, stderr: err }, 'site build failed; run `npm run build` to see why');
      done(code === 0);
    });
  });
}

export async function serveSite(opts: { port: number; host?: string; root?: string; logger: Logger }): Promise<SiteServer> {
  const root = resolve(opts.root ?? '.');
  const dist = join(root, 'dist');
  let ready = existsSync(join(dist, 'index.html'));
  if (!ready) void build(root, opts.logger).then((ok) => (ready = ok));

  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!ready) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' }).end('The site is being built; reload in a few seconds.\n');
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(dist, path));
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    if (!existsSync(file)) {
      const notFound = join(dist, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      if (existsSync(notFound)) createReadStream(notFound).pipe(res);
      else res.end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
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
