/**
 * Markdown to safe HTML for docs and status reports. Reports contain text from the outside
 * world (feed errors, file names), so raw HTML in them must stay inert: marked renders, then
 * sanitize-html keeps only document tags, drops every event handler and `javascript:` URL.
 * Relative links to other `.md` files become links to their pages on this site.
 */
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

export type LinkMapper = (href: string) => string;

const ALLOWED_TAGS = [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'input'];

function sanitize(html: string, mapLink: LinkMapper): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title'],
      code: ['class'],
      th: ['align'],
      td: ['align'],
      // GitHub-style task lists render as disabled checkboxes.
      input: ['type', 'checked', 'disabled'],
      '*': ['id'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: attribs.href ? { ...attribs, href: mapLink(attribs.href) } : attribs,
      }),
      input: (tagName, attribs) => ({
        tagName,
        attribs: attribs.type === 'checkbox' ? { ...attribs, disabled: '' } : {},
      }),
    },
    exclusiveFilter: (frame) => frame.tag === 'input' && frame.attribs.type !== 'checkbox',
  });
}

export function renderMarkdown(markdown: string, mapLink: LinkMapper = (h) => h): string {
  const html = marked.parse(markdown, { async: false, gfm: true });
  return sanitize(html, mapLink);
}

/** The first `# heading` of a document, for titles of docs without front matter. */
export function firstHeading(markdown: string): string | null {
  const m = /^#\s+(.+?)\s*#*\s*$/m.exec(markdown);
  return m ? m[1] : null;
}
