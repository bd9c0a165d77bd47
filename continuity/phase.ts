/**
 * The project's phase history in docs/phase.json: `{ "history": [{ tag, note, since }] }`,
 * oldest first; the current phase is the last entry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { PHASE_PATH } from './paths.ts';
import type { Redact } from './redact.ts';
import { FbError } from '../core/errors.ts';

export interface PhaseEntry {
  tag: string;
  note: string;
  /** ISO-8601 UTC time the phase was set. */
  since: string;
}

export interface PhaseFile {
  history: PhaseEntry[];
}

const TAG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const MAX_NOTE = 500;

export function readPhases(root: string): PhaseFile {
  const file = join(root, PHASE_PATH);
  if (!existsSync(file)) return { history: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FbError('E_PHASE', `${PHASE_PATH}: not valid JSON (${(err as Error).message}); fix or delete it`);
  }
  const history = (doc as Partial<PhaseFile> | null)?.history;
  const valid = (e: unknown) =>
    typeof e === 'object' &&
    e !== null &&
    ['tag', 'note', 'since'].every((k) => typeof (e as Record<string, unknown>)[k] === 'string');
  if (!Array.isArray(history) || !history.every(valid))
    throw new FbError(
      'E_PHASE',
      `${PHASE_PATH}: must hold {"history": [{"tag", "note", "since"}, ...]}; fix or delete it`,
    );
  return { history };
}

export function currentPhase(file: PhaseFile): PhaseEntry | null {
  return file.history.at(-1) ?? null;
}

export function addPhase(file: PhaseFile, tag: string, note: string, nowMs: number): PhaseFile {
  if (!TAG.test(tag))
    throw new FbError(
      'E_PHASE',
      `phase tag ${JSON.stringify(tag)}: use 1-40 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  const text = note.trim();
  if (!text || text.length > MAX_NOTE)
    throw new FbError(
      'E_PHASE',
      `phase note: give a note of 1-${MAX_NOTE} characters, e.g. "collector live on 3 exchanges"`,
    );
  return { history: [...file.history, { tag, note: text, since: new Date(nowMs).toISOString() }] };
}

export function writePhases(root: string, file: PhaseFile, redact: Redact): void {
  writeFileAtomic(join(root, PHASE_PATH), redact(JSON.stringify(file, null, 2) + '\n'));
}

export function formatPhases(file: PhaseFile): string {
  if (!file.history.length) return 'no phase set yet: futuresboard continuity phase set <tag> "<note>"';
  const current = currentPhase(file) as PhaseEntry;
  const lines = [`current phase: ${current.tag} (since ${current.since}) ${current.note}`, '', 'history:'];
  for (const e of [...file.history].reverse()) lines.push(`  ${e.since}  ${e.tag.padEnd(16)} ${e.note}`);
  return lines.join('\n');
}
