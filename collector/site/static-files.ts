/**
 * A request handler that serves one folder of static files read-only (GET and HEAD). The demo's
 * site server and the browser tests both use it, so what the tests exercise is what users run.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { resolveSitePath } from './site-path.ts';

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
  '.gz': 'application/gzip',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Streams `file`; a read error after the headers ends the response instead of the process. */
function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  status: number,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(statSync(file).size),
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export function createStaticHandler(dir: string, headers: Record<string, string> = {}): StaticHandler {
  const root = resolve(dir);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    try {
      const found = resolveSitePath(root, req.url ?? '/');
      if (found.status === 200) return sendFile(req, res, found.file, 200, headers);
      const notFound = join(root, '404.html');
      if (found.status === 404 && existsSync(notFound)) return sendFile(req, res, notFound, 404, headers);
      res.writeHead(found.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${found.status}\n`);
    } catch {
      // A file that vanished or became unreadable between the check and the read (a rebuild).
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  };
}
