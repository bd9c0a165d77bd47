/** futuresboard's version (package.json): shown by /health and recorded in every closed segment. */
import { readFileSync } from 'node:fs';

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
