/**
 * The `continuity` section: which `/health` endpoints `futuresboard continuity` reads. Empty
 * (the default) means the local daemon at http.host/http.port, as before the scale-out roles;
 * a scale-out deployment lists each role (docs/scale-out.md), e.g. a collector, a store and a
 * relay node on other machines.
 */
import { z } from 'zod';
import { strictObject } from './strict-object.ts';

const NAME_RULE = 'must be 1-40 letters, digits, ".", "_" or "-", starting with a letter or digit, e.g. "store-1"';
const URL_RULE =
  'must be the http:// or https:// URL of a /health endpoint, without user:password@, e.g. "http://10.0.0.2:8787/health"';
const TOKEN_RULE = "must be that role's http.token (16 characters or more), or null for none";

/** A URL whose path ends in /health (behind a proxy prefix too); credentials belong in `token`. */
function healthUrlProblem(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return true;
  }
  return (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    !/\/health$/.test(url.pathname)
  );
}

const targetSchema = strictObject({
  name: z
    .string({ error: NAME_RULE })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, NAME_RULE)
    .describe('The role\'s name in the snapshot, the status report and the watch log, e.g. "store-1".'),
  url: z
    .string({ error: URL_RULE })
    // The pattern is for editors (docs/config.schema.json); the refinement is the full check.
    .regex(/^https?:\/\//, URL_RULE)
    .refine((u) => !healthUrlProblem(u), URL_RULE)
    .describe('Its /health URL, e.g. "http://10.0.0.2:8787/health".'),
  token: z
    .string({ error: TOKEN_RULE })
    .min(16, TOKEN_RULE)
    .nullable()
    .optional()
    .describe("Bearer token when that role's API requires one (its http.token); a secret: never logged or reported."),
});

export const continuitySchema = strictObject({
  targets: z
    .array(targetSchema)
    .default(() => [])
    .superRefine((targets, ctx) => {
      const seen = new Set<string>();
      targets.forEach((t, i) => {
        if (seen.has(t.name))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            // The value is not echoed: config errors describe values by type only.
            message: 'an earlier target has the same name; give each target its own',
          });
        seen.add(t.name);
      });
    })
    .describe(
      '/health endpoints `continuity snapshot` and `watch` read, one per role; the first is the main one (status, uptime, open gaps). Empty: the local daemon at http.host/http.port.',
    ),
});

export type ContinuityConfig = z.output<typeof continuitySchema>;
export type ContinuityTarget = ContinuityConfig['targets'][number];
