/**
 * `futuresboard <command>`: one CLI for the whole system. Each command lives next to the code
 * it drives and is loaded only when called, so `--help` stays instant.
 */
import { errorCodeOf, exitCodeFor } from '../core/errors.ts';

type Runner = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Runner> }> = {
  collect: {
    summary: 'record the configured exchanges into SQLite and serve the relay/HTTP API',
    load: async () => (await import('./collect.ts')).runCollect,
  },
  store: {
    summary: "scale-out: consume the collectors' batches from NATS JetStream into the recording store",
    load: async () => (await import('./store.ts')).runStore,
  },
  relay: {
    summary: 'scale-out: a stateless relay node serving browsers from NATS JetStream',
    load: async () => (await import('./relay.ts')).runRelay,
  },
  simulate: {
    summary: 'serve the Binance, Bybit and OKX protocols locally (synthetic or recorded data)',
    load: async () => (await import('./simulate.ts')).runSimulate,
  },
  demo: {
    summary: 'simulator + collector + relay + site, offline, writing data/futures.db',
    load: async () => (await import('./demo.ts')).runDemo,
  },
  import: {
    summary: 'normalize recorded raw frames (capture .jsonl or .jsonl.gz, rotated archives) into a database',
    load: async () => (await import('./import.ts')).runImport,
  },
  export: {
    summary: 'write a consistent, sql.js-readable copy of a database',
    load: async () => (await import('./export.ts')).runExport,
  },
  migrate: {
    summary: 'turn a v1 recording (one SQLite file) into v2 segments and a catalog',
    load: async () => (await import('./migrate.ts')).runMigrate,
  },
  replay: {
    summary: 'replay a recorded session (prints events, or serves them on the relay)',
    load: async () => (await import('./replay.ts')).runReplay,
  },
  backtest: {
    summary: 'run a strategy over a recorded session and write its report',
    load: async () => (await import('./backtest.ts')).runBacktest,
  },
  metrics: {
    summary: 'metrics tools: verify recomputes metrics and alerts from recorded events',
    load: async () => (await import('./metrics.ts')).runMetrics,
  },
  alerts: {
    summary: 'alert tools: stats prints hit rate and count per tier',
    load: async () => (await import('./metrics.ts')).runAlerts,
  },
  recordings: {
    summary: 'recordings folder tools: list, verify, prune (retention now), pin and unpin sessions',
    load: async () => (await import('./recordings.ts')).runRecordings,
  },
  publish: {
    summary: 'copy the recordings config site.publish picks into a static site folder, with a manifest',
    load: async () => (await import('./publish.ts')).runPublish,
  },
  continuity: {
    summary: 'health snapshots, status reports, git sync and phase tracking',
    load: async () => (await import('./continuity.ts')).runContinuity,
  },
};

function usage(): string {
  const lines = ['Usage: futuresboard <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.summary}`);
  lines.push('', 'Run `futuresboard <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // Asked for: help on stdout, exit 0. No command at all is a usage error: stderr, exit 2.
    (name ? process.stdout : process.stderr).write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`futuresboard: unknown command "${name}" (run futuresboard --help for the list)\n`);
    return 2;
  }
  try {
    const run = await command.load();
    return await run(rest);
  } catch (err) {
    // A documented code (docs/errors.md) is one line and its kind's exit code; anything else is a bug: the trace.
    const code = errorCodeOf(err);
    if (code) {
      process.stderr.write(`futuresboard ${name}: ${(err as Error).message}\n`);
      return exitCodeFor(code);
    }
    process.stderr.write(`futuresboard ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

// Run directly with `tsx cli/main.ts` (npm scripts); bin/futuresboard imports main() instead.
if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
