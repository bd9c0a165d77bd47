/**
 * Configuration: defaults, `futuresboard.config.json` (or a path given with --config) and
 * FUTURESBOARD_* environment overrides, validated as a whole by the schema in config/schema.ts
 * with one-line errors that name the field and the fix.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyEnvOverrides } from './config/env.ts';
import { configErrorLine, configErrorMap } from './config/errors.ts';
import { readConfigFile, type PlainObject } from './config/read-file.ts';
import { configSchema, type Config } from './config/schema.ts';
import { FbError } from '../core/errors.ts';

export { parsePort } from './config/env.ts';
export type { Config, ExchangeConfig, MarketSelection } from './config/schema.ts';

/** The defaults, as a fresh object the caller may change. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** The `bus` section's defaults, for a URL given on the command line (`collect --bus`). */
export function busDefaults(): NonNullable<Config['bus']> {
  return configSchema.parse({ bus: { url: 'nats://127.0.0.1:4222' } }).bus!;
}

function parse(input: unknown, context: string, setBy?: ReadonlyMap<string, string>): Config {
  const result = configSchema.safeParse(input, { error: configErrorMap });
  if (!result.success) throw new FbError('E_CONFIG', `${context}${configErrorLine(result.error.issues, setBy)}`);
  return result.data;
}

/** Checks a config changed after loading (command-line overrides); throws E_CONFIG. */
export function validateConfig(c: Config): void {
  parse(c, '');
}

export interface LoadOptions {
  /** Explicit config path (--config); an error if missing. */
  path?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const file = resolve(cwd, opts.path ?? env.FUTURESBOARD_CONFIG ?? 'futuresboard.config.json');
  let input: PlainObject = {};
  if (existsSync(file)) input = readConfigFile(file);
  else if (opts.path) throw new FbError('E_CONFIG', `--config ${opts.path}: file not found`);
  const setBy = applyEnvOverrides(input, env);
  return parse(input, existsSync(file) ? `${file}: ` : '', setBy);
}
