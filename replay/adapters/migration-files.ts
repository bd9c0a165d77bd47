/** Loads the numbered .sql migrations of core/migrations from disk (Node side). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { migrationsFromFiles, type Migration } from '../../core/migrations.ts';

const dir = fileURLToPath(new URL('../../core/migrations/', import.meta.url));

export function loadMigrations(): Migration[] {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir)) if (f.endsWith('.sql')) files[f] = readFileSync(join(dir, f), 'utf8');
  return migrationsFromFiles(files);
}
