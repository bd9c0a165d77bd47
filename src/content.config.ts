/**
 * Docs and status reports are content collections read from docs/ at build time. The glob
 * loader's base is relative to the project root (patterns cannot climb with `../`). The status
 * report template is not a document. FUTURESBOARD_DOCS_DIR points at another docs tree (tests).
 */
import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

const docsDir = process.env.FUTURESBOARD_DOCS_DIR ?? './docs';

const docs = defineCollection({
  loader: glob({ pattern: ['*.md', '!status_report_template.md'], base: docsDir }),
  schema: z.object({ title: z.string().optional() }).passthrough(),
});

const status = defineCollection({
  loader: glob({ pattern: '**/*.md', base: `${docsDir}/status` }),
  schema: z
    .object({
      title: z.string().optional(),
      generated: z.coerce.string().optional(),
      phase: z.string().nullable().optional(),
      status: z.string().optional(),
      uptime_pct: z.number().nullable().optional(),
      summary: z.string().optional(),
    })
    .passthrough(),
});

export const collections = { docs, status };
