/**
 * FUTURESBOARD_* environment overrides: the few settings people change per run. They are
 * written into the raw config before validation, so they obey the same rules as the file.
 */
import { isPlainObject, type PlainObject } from './read-file.ts';
import { FbError } from '../../core/errors.ts';

/**
 * A port given as text (environment, command line): decimal digits only. `Number()` would
 * also take "1e3", "0x10", " 80" and "80.0", which nobody means as a port.
 */
export function parsePort(text: string, what: string): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port <= 65535))
    throw new FbError(
      'E_CONFIG',
      `${what}: must be a decimal port number 0-65535 (0: any free port), got ${JSON.stringify(text)}`,
    );
  return port;
}

const ENV_OVERRIDES: { name: string; path: [string] | [string, string]; parse: (v: string) => unknown }[] = [
  { name: 'FUTURESBOARD_DB', path: ['db'], parse: (v) => v },
  { name: 'FUTURESBOARD_HOST', path: ['http', 'host'], parse: (v) => v },
  { name: 'FUTURESBOARD_PORT', path: ['http', 'port'], parse: (v) => parsePort(v, 'FUTURESBOARD_PORT') },
  { name: 'FUTURESBOARD_TOKEN', path: ['http', 'token'], parse: (v) => v },
  {
    name: 'FUTURESBOARD_ORIGINS',
    path: ['http', 'origins'],
    parse: (v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  },
  { name: 'FUTURESBOARD_RAW', path: ['raw'], parse: (v) => v },
  { name: 'FUTURESBOARD_STORE_DIR', path: ['store', 'dir'], parse: (v) => v },
];

/**
 * Writes the set (non-empty) variables into `input`; returns field path -> variable name for
 * error messages. A section that is not an object is left for validation to report.
 */
export function applyEnvOverrides(input: PlainObject, env: Record<string, string | undefined>): Map<string, string> {
  const setBy = new Map<string, string>();
  for (const { name, path, parse } of ENV_OVERRIDES) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value = parse(text);
    if (path.length === 1) input[path[0]] = value;
    else {
      const section = (input[path[0]] ??= {});
      if (!isPlainObject(section)) continue;
      section[path[1]] = value;
    }
    setBy.set(path.join('.'), name);
  }
  return setBy;
}
