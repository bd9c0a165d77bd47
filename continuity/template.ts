/**
 * Placeholder filling for docs/status_report_template.md. `{{name}}` inserts Markdown text
 * (null as "n/a"); `{{name|json}}` inserts a JSON literal, which is also valid YAML, for the
 * front matter. A `<!-- template-doc ... -->` block documents the placeholders and is dropped.
 */
import { TEMPLATE_PATH } from './paths.ts';
import { FbError } from '../core/errors.ts';

export type TemplateValue = string | number | null;

const DOC_BLOCK = /<!--\s*template-doc[\s\S]*?-->\r?\n?/g;
const PLACEHOLDER = /\{\{\s*([a-z_]+)(\|json)?\s*\}\}/g;

export function fillTemplate(template: string, values: Record<string, TemplateValue>): string {
  const unknown = new Set<string>();
  const out = template.replace(DOC_BLOCK, '').replace(PLACEHOLDER, (_m, name: string, json?: string) => {
    if (!Object.hasOwn(values, name)) {
      unknown.add(`{{${name}}}`);
      return '';
    }
    const v = values[name];
    return json ? JSON.stringify(v) : v === null ? 'n/a' : String(v);
  });
  if (unknown.size)
    throw new FbError(
      'E_TEMPLATE',
      `${TEMPLATE_PATH}: unknown placeholder ${[...unknown].join(', ')}; the template-doc comment at its top lists the known ones`,
    );
  return out;
}
