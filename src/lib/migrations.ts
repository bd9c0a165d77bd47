/**
 * The schema migrations, bundled by Vite for code the site runs: the browser's recording loader
 * and the static build. Read from disk by path they would not be found inside the bundle.
 */
import { migrationsFromFiles } from '../../core/migrations.ts';

export const MIGRATIONS = migrationsFromFiles(
  import.meta.glob<string>('../../core/migrations/*.sql', { query: '?raw', import: 'default', eager: true }),
);
