import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_FILE, configJsonSchemaText } from './json-schema.ts';

describe('docs/config.schema.json', () => {
  it('is what the config schema generates (regenerate with `npm run config:schema`)', () => {
    expect(readFileSync(CONFIG_SCHEMA_FILE, 'utf8')).toBe(configJsonSchemaText());
  });

  it('describes every section, refuses unknown keys, and carries the defaults editors show', () => {
    const schema = JSON.parse(configJsonSchemaText());
    expect(Object.keys(schema.properties)).toEqual([
      '$schema',
      'db',
      'raw',
      'store',
      'site',
      'http',
      'writer',
      'feed',
      'health',
      'metrics',
      'bus',
      'webhooks',
      'exchanges',
      'continuity',
    ]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.webhooks.items.additionalProperties).toBe(false);
    expect(schema.properties.http.properties.maxSubscriptions).toMatchObject({
      type: 'integer',
      minimum: 1,
      default: 1000,
    });
    expect(schema.properties.http.properties.port).toMatchObject({
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: 8787,
    });
  });
});
