/**
 * Typed, validated parameters for strategies and the simulated exchange. Values arrive as text
 * from the CLI (`--param entry_z=2.5`) or typed from the browser; both go through one check
 * whose errors name the parameter, the rule and an example of a good value.
 */
import { parseDuration } from './duration.ts';
import { FbError } from '../../core/errors.ts';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export interface ParamSpec {
  name: string;
  /** `duration` values are milliseconds, written as `30s`, `5m`, `8h` or a plain number of ms. */
  kind: 'number' | 'integer' | 'duration' | 'boolean' | 'string';
  default: ParamValue;
  description: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
}

function fail(spec: ParamSpec, rule: string, got: unknown): never {
  throw new FbError('E_BACKTEST_PARAM', `parameter ${spec.name} must be ${rule}; got ${JSON.stringify(got)}`);
}

function checkRange(spec: ParamSpec, n: number, got: unknown): number {
  if (spec.min !== undefined && n < spec.min) fail(spec, `>= ${spec.min}`, got);
  if (spec.max !== undefined && n > spec.max) fail(spec, `<= ${spec.max}`, got);
  return n;
}

/** One value, given as text or already typed, checked against its spec. */
export function paramValue(spec: ParamSpec, given: ParamValue): ParamValue {
  const text = typeof given === 'string' ? given.trim() : undefined;
  switch (spec.kind) {
    case 'number':
    case 'integer': {
      const n = text !== undefined ? (text === '' ? NaN : Number(text)) : given;
      if (typeof n !== 'number' || !Number.isFinite(n)) fail(spec, 'a number (e.g. 2.5)', given);
      if (spec.kind === 'integer' && !Number.isSafeInteger(n)) fail(spec, 'a whole number (e.g. 20)', given);
      return checkRange(spec, n, given);
    }
    case 'duration': {
      const n = text !== undefined ? (/^\d+$/.test(text) ? Number(text) : parseDuration(text)) : given;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0)
        fail(spec, 'a duration such as 30s, 5m, 8h (or milliseconds)', given);
      return checkRange(spec, n, given);
    }
    case 'boolean': {
      if (typeof given === 'boolean') return given;
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return fail(spec, 'true or false', given);
    }
    case 'string': {
      if (text === undefined) return fail(spec, 'text', given);
      if (spec.choices && !spec.choices.includes(text)) fail(spec, `one of ${spec.choices.join(', ')}`, given);
      return text;
    }
  }
}

/** Defaults overlaid with `given`; an unknown name is an error that lists the known ones. */
export function resolveParams(specs: readonly ParamSpec[], given: Record<string, ParamValue> = {}): Params {
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const name of Object.keys(given))
    if (!byName.has(name))
      throw new FbError(
        'E_BACKTEST_PARAM',
        `unknown parameter ${name}; known parameters: ${specs.map((s) => s.name).join(', ')}`,
      );
  const out: Params = {};
  for (const s of specs)
    out[s.name] = given[s.name] === undefined ? paramValue(s, s.default) : paramValue(s, given[s.name]);
  return out;
}

/** Split `k=v` text (from --param) into its name and raw value. */
export function splitAssignment(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new FbError(
      'E_BACKTEST_PARAM',
      `${flag} takes name=value (e.g. ${flag} entry_z=2.5); got ${JSON.stringify(text)}`,
    );
  return [text.slice(0, eq).trim(), text.slice(eq + 1)];
}
