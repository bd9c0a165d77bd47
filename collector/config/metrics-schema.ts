/**
 * The `metrics` section: overrides of the engine's defaults (core/metrics/config.ts).
 * Its shape is derived from `defaultMetricsConfig`, so it cannot drift from the engine: every
 * key is known (typos are errors), objects merge key by key, lists replace. The value rules
 * (ranges, timeframe references, hysteresis) stay in the engine's own validator, which the
 * browser also runs on recorded configs.
 */
import { z } from 'zod';
import {
  defaultMetricsConfig,
  mergeMetricsConfig,
  validateMetricsConfig,
  Z_SERIES,
} from '../../core/metrics/config.ts';
import { METRICS_PRESETS } from '../../core/metrics/presets.ts';
import { strictObject, unknownKeyMessage } from './strict-object.ts';

/**
 * Paths whose schema is not the shape of their default: the preset names, user rules (an empty
 * list by default; each rule is checked by the engine's validator, whose messages name the rule
 * and the field) and composite weights (keyed by series name: any z-scored series may get one).
 */
const SPECIAL: Record<string, z.ZodType> = {
  preset: z.enum(METRICS_PRESETS),
  // Each rule is checked by the engine's validator, whose messages name the rule and the field.
  'alerts.rules': z.array(z.record(z.string(), z.unknown())),
  'composite.weights': z.partialRecord(z.enum(Z_SERIES), z.number(), {
    // zod types a record's issues as key/type ones, but a key outside the enum arrives as unrecognized_keys.
    error: (issue: { code?: string; keys?: string[] }) =>
      issue.code === 'unrecognized_keys' && issue.keys ? unknownKeyMessage(issue.keys[0], Z_SERIES) : undefined,
  }),
};

/** A schema accepting what `value` is; object keys optional where overrides merge into defaults. */
function shapeOf(value: unknown, path: string, merged: boolean): z.ZodType {
  if (SPECIAL[path]) return SPECIAL[path];
  if (typeof value === 'number') return z.number();
  if (typeof value === 'boolean') return z.boolean();
  if (typeof value === 'string') return z.string();
  // A list replaces the default whole, so its items are complete.
  if (Array.isArray(value)) return z.array(shapeOf(value[0], `${path}[]`, false));
  const shape = Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const field = shapeOf(v, path ? `${path}.${k}` : k, merged);
      if (!merged) return [k, field];
      // The default in the description: editors show it on hover (a zod default would fill every override).
      return [
        k,
        typeof v === 'object' && !Array.isArray(v)
          ? field.optional()
          : field.optional().describe(`default: ${JSON.stringify(v)}`),
      ];
    }),
  );
  return strictObject(shape);
}

export const metricsSchema = (shapeOf(defaultMetricsConfig, '', true) as z.ZodType<Record<string, unknown>>)
  .superRefine((overrides, ctx) => {
    for (const problem of validateMetricsConfig(mergeMetricsConfig(overrides))) {
      // The engine words problems as "field: what is wrong"; keep its field in the issue path.
      const [field, ...rest] = problem.split(': ');
      ctx.addIssue({ code: 'custom', path: [field], message: rest.join(': ') });
    }
  })
  .describe(
    'Metrics engine settings overriding the defaults in docs/quant-blueprint.md; objects merge key by key, lists replace.',
  );
