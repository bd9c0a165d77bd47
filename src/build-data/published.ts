/**
 * The recordings this build publishes (config `site.publish`), as dist/recordings/manifest.json
 * will list them. The build's publishing step plans them once and provides them as a virtual
 * module (collector/publish/astro-integration.ts), so the page lists exactly what is copied.
 */
import sessions from 'virtual:futuresboard/published';
import type { PublishedSession } from '../../core/published.ts';

export const publishedSessions = (): readonly PublishedSession[] => sessions;
