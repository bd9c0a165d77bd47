/**
 * `npm run build` publishes recordings: an Astro integration (astro.config.mjs) that plans once
 * from the config (FUTURESBOARD_CONFIG, else ./futuresboard.config.json when present, else the
 * defaults), hands the planned sessions to the recordings page as the module
 * `virtual:futuresboard/published` (src/ may not import collector/, and the page must list exactly
 * what is published), and after the pages are written copies the segments into
 * `<outDir>/recordings/` with the manifest. A build with no config and no recordings still
 * succeeds: it publishes only the bundled sample, or nothing, and says so.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { FbError, hasErrorCode } from '../../core/errors.ts';
import { loadConfig } from '../config.ts';
import type { PublishPlan } from './plan.ts';
import { planFromConfig, summaryLine, writePublished } from './publish.ts';

export const PUBLISHED_MODULE = 'virtual:futuresboard/published';
const RESOLVED = `\0${PUBLISHED_MODULE}`;

/**
 * Runs `step`, letting a documented error (a config or catalog mistake) fail the build with its
 * one line: Astro prints an error's stack trace when it has one, and this one has nothing to add.
 */
async function oneLine<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (hasErrorCode(err)) err.stack = '';
    throw err;
  }
}

function buildPlan(): PublishPlan {
  const named = process.env.FUTURESBOARD_CONFIG;
  // loadConfig falls back to the defaults when the variable names no file; a build must not
  // silently publish nothing because of a typo in the path.
  if (named && !existsSync(named))
    throw new FbError('E_CONFIG', `FUTURESBOARD_CONFIG=${named}: file not found; fix the path or unset it`);
  return planFromConfig(loadConfig());
}

export function publishRecordings(): AstroIntegration {
  let plan: PublishPlan | undefined;
  const planned = () => (plan ??= buildPlan());
  return {
    name: 'futuresboard-publish',
    hooks: {
      'astro:config:setup': async ({ command, updateConfig }) => {
        // A build plans before any page renders: a config error stops it at once.
        if (command === 'build') await oneLine(planned);
        updateConfig({
          vite: {
            plugins: [
              {
                name: 'futuresboard-published-sessions',
                resolveId: (id: string) => (id === PUBLISHED_MODULE ? RESOLVED : undefined),
                load: (id: string) =>
                  id === RESOLVED ? `export default ${JSON.stringify(planned().sessions)};` : undefined,
              },
            ],
          },
        });
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(new URL('recordings/', dir));
        for (const note of planned().notes) logger.info(`note: ${note}`);
        const result = await oneLine(() => writePublished(planned(), out, Date.now()));
        const near = relative(process.cwd(), out);
        logger.info(summaryLine(result.manifest, near.startsWith('..') ? out : `${near}/`));
      },
    },
  };
}
