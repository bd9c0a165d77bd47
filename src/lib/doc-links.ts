/** Relative links between Markdown files in docs/ -> their pages on the site. */
import { withBase } from './paths.ts';

const MD_LINK = /^(?:\.\/)?((?:status\/)?[\w.-]+)\.md(#[\w-]*)?$/;

export function mapDocLink(href: string): string {
  const m = MD_LINK.exec(href);
  if (!m) return href;
  const [, name, hash = ''] = m;
  // The glob loader lowercases ids; status reports live under /status/, other docs under /docs/.
  const page = name.startsWith('status/') ? `status/${name.slice(7).toLowerCase()}/` : `docs/${name.toLowerCase()}/`;
  return withBase(page) + hash;
}
