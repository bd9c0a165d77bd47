/**
 * docs/config.schema.json, generated from the config schema so that editors complete and check
 * `futuresboard.config.json` by the rules the collector applies. Regenerate after changing
 * config/schema.ts: `npm run config:schema` (a test fails while the file is out of date).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from './schema.ts';

export const CONFIG_SCHEMA_FILE = fileURLToPath(new URL('../../docs/config.schema.json', import.meta.url));

export function configJsonSchemaText(): string {
  // `io: 'input'`: what may be written in the file (every field optional, with its default).
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  return (
    JSON.stringify(
      {
        ...schema,
        title: 'futuresboard.config.json',
        description: 'futuresboard configuration (docs/developer_guide.md#configuration)',
      },
      null,
      2,
    ) + '\n'
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(CONFIG_SCHEMA_FILE, configJsonSchemaText());
  process.stdout.write(`wrote ${CONFIG_SCHEMA_FILE}\n`);
}
