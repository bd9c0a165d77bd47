/**
 * Shared command-line plumbing: every subcommand declares its options once and gets `--help`,
 * strict parsing and one-line usage errors (exit code 2) from here.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parsePort } from '../collector/config.ts';
import { FbError } from '../core/errors.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  description: string;
  placeholder?: string;
};

export interface CommandSpec {
  /** e.g. `futuresboard import <capture.jsonl>... --db <file>` */
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
}

export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:'];
  const entries = Object.entries({
    ...spec.options,
    help: { type: 'boolean', description: 'show this help' } as OptionSpec,
  });
  for (const [name, o] of entries) {
    const flag = `--${name}${o.type === 'string' ? ` <${o.placeholder ?? 'value'}>` : ''}${o.short ? `, -${o.short}` : ''}`;
    const def = o.default !== undefined ? ` (default: ${String(o.default)})` : '';
    lines.push(`  ${flag.padEnd(28)} ${o.description}${def}`);
  }
  return lines.join('\n');
}

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** node:util parseArgs in strict mode, its error turned into one usage line. */
function parseStrict(args: string[], options: ParseArgsConfig['options'], allowPositionals: boolean): Parsed {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true }) as Parsed;
  } catch (err) {
    throw new FbError('E_USAGE', `${(err as Error).message.split('\n')[0]} (see --help)`);
  }
}

/**
 * Parse argv for a command. Returns null after printing help for `--help`; throws FbError E_USAGE
 * naming the bad flag otherwise.
 */
export function parseCommand(
  argv: string[],
  spec: CommandSpec,
  out: (s: string) => void = (s) => process.stdout.write(s + '\n'),
): Parsed | null {
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) {
    const { description: _d, placeholder: _p, ...rest } = o;
    options[name] = rest;
  }
  const parsed = parseStrict(argv, options, spec.positionals ?? false);
  if (parsed.values.help) {
    out(helpText(spec));
    return null;
  }
  return parsed;
}

/** Parse a number option, naming the flag in the error. */
export function numberOption(values: Parsed['values'], name: string, fallback: number, min = -Infinity): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n < min)
    throw new FbError(
      'E_USAGE',
      `--${name} must be a number${min > -Infinity ? ` >= ${min}` : ''}, got ${JSON.stringify(v)}`,
    );
  return n;
}

/** Parse a port option: decimal digits 0-65535 only, like FUTURESBOARD_PORT (not "1e3" or "0x10"). */
export function portOption(values: Parsed['values'], name: string, fallback: number): number {
  const v = values[name];
  return v === undefined ? fallback : parsePort(String(v), `--${name}`);
}

/**
 * Picks `<command> <subcommand>`: prints the list of subcommands for `--help` (returns null),
 * throws E_USAGE for a missing or unknown one, else returns its name and the rest of argv.
 */
export function subcommand(
  argv: string[],
  command: string,
  subs: Record<string, CommandSpec>,
  out: (s: string) => void = (s) => process.stdout.write(s + '\n'),
): [string, string[]] | null {
  const [sub, ...rest] = argv;
  const names = Object.keys(subs).join(' or ');
  if (sub === '--help' || sub === '-h') {
    out(
      [
        `Usage: futuresboard ${command} <subcommand> [options]`,
        '',
        'Subcommands:',
        ...Object.entries(subs).map(([n, s]) => `  ${n.padEnd(8)} ${s.summary}`),
      ].join('\n'),
    );
    return null;
  }
  if (sub === undefined) throw new FbError('E_USAGE', `${command} needs a subcommand: ${names} (see --help)`);
  if (!(sub in subs)) throw new FbError('E_USAGE', `unknown ${command} subcommand "${sub}"; use ${names}`);
  return [sub, rest];
}
