/**
 * The store's migrations. Loaded beside the SQLite adapter (replay/adapters), where the file
 * check that refuses foreign and newer databases needs them too; collector code keeps
 * importing them from its store.
 */
export { loadMigrations } from '../../replay/adapters/migration-files.ts';
