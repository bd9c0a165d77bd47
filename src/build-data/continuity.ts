/** The last continuity snapshot, when `futuresboard continuity snapshot` has written one. */
import { existsSync, readFileSync } from 'node:fs';
import { healthViewFromContinuity, type HealthView } from '../lib/health-view.ts';

export const CONTINUITY_STATE = 'data/continuity_state.json';

export function continuityHealth(path = CONTINUITY_STATE): HealthView | null {
  if (!existsSync(path)) return null;
  try {
    return healthViewFromContinuity(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return null;
  }
}
