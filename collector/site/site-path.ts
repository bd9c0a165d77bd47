/**
 * Maps a request target to a file inside the site's folder, or to the 4xx status that refuses it.
 * Every request reaches this from any web page (an `<img src>` is enough), so nothing here may
 * throw: bad percent-escapes, NUL bytes, overlong targets and `..` in any encoding are answered,
 * never raised, and the final containment check runs on the real path so a symlink inside the
 * folder cannot lead out of it.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** Longest request target served; the longest path the site builds is far below this. */
export const MAX_TARGET_LENGTH = 2048;

export type SitePath = { status: 200; file: string } | { status: 400 | 403 | 404 | 414 };

function decodePath(target: string): string | null {
  if (!target.startsWith('/')) return null;
  const path = target.split(/[?#]/, 1)[0];
  try {
    return decodeURIComponent(path);
  } catch {
    return null; // '%ff', a lone '%' or an overlong UTF-8 form such as '%c0%ae'
  }
}

/** Is `file` inside `root` (both absolute)? `relative` says '..…' or an absolute path when not. */
function inside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

/** The file for a request target: `/x/` serves `x/index.html` and `/x` may serve `x.html`. */
export function resolveSitePath(root: string, target: string): SitePath {
  if (target.length > MAX_TARGET_LENGTH) return { status: 414 };
  const path = decodePath(target);
  if (path === null || path.includes('\0')) return { status: 400 };
  // Any '..' segment is refused outright, whatever it would resolve to: no legitimate link has one.
  if (path.split(/[\\/]/).includes('..')) return { status: 400 };
  const wanted = join(root, path);
  if (!inside(root, wanted)) return { status: 403 };
  const candidates = [wanted, join(wanted, 'index.html'), `${wanted}.html`];
  const found = candidates.find(isFile);
  if (!found) return { status: 404 };
  const real = realpathSync(found);
  if (!inside(realpathSync(root), real)) return { status: 403 };
  return { status: 200, file: real };
}
