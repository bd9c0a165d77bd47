/**
 * Real exchange frames (`samples/`) and recorded sessions (`captures/`) live in `../shared/`
 * beside the repository, not in it: they come from other public projects (provenance in
 * `../shared/samples/SOURCES.md` and `../shared/captures/README.md`), so they are not vendored.
 * Every development machine and CI has that folder; a bare clone does not, and the tests that
 * need it are skipped there with one line saying why, while every other test still runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `<repository>/../shared/`, with a trailing slash. */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));

export const sharedAvailable = existsSync(`${SHARED_DIR}samples`) && existsSync(`${SHARED_DIR}captures`);

/** Absolute path of a file under ../shared, e.g. `captures/okx.2022-05-13.jsonl`. */
export function sharedPath(relative: string): string {
  return SHARED_DIR + relative;
}

/** The non-blank lines of a file under ../shared. */
export function sharedLines(relative: string): string[] {
  return readFileSync(sharedPath(relative), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * For `describe.skipIf(needsShared('…'))`: true when ../shared is missing, after printing the one
 * line that says what is skipped and where the data comes from.
 */
export function needsShared(what: string): boolean {
  if (!sharedAvailable) {
    console.log(
      `skipped ${what}: the real exchange frames are read from ${SHARED_DIR} (the project's shared research folder beside the repository), which this checkout does not have`,
    );
  }
  return !sharedAvailable;
}
