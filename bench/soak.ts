/**
 * `npm run soak -- --minutes 30`: the real collector (`futuresboard collect`, a child process,
 * so its memory is its own) against the simulator at 20,000 events/s. Prints RSS, event-loop
 * delay, writer lag and the committed rate over time, and exits 1 if resident memory after
 * warm-up grows more than 10 % (or the collector dies).
 */
import { spawn } from 'node:child_process';
import { exitCodeFor, FbError, hasErrorCode } from '../core/errors.ts';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { numberOption, parseCommand } from '../cli/kit.ts';
import { startSimulator } from '../simulator/index.ts';
import { EXCHANGES } from '../core/events.ts';

const SPEC = {
  usage: 'npm run soak -- [--minutes 30] [--rate 20000]',
  summary: 'Run the collector against the simulator and watch memory, event-loop delay and writer lag.',
  options: {
    minutes: { type: 'string', description: 'how long to run', placeholder: 'n', default: '30' },
    rate: { type: 'string', description: 'simulator events per second', placeholder: 'n', default: '20000' },
    every: {
      type: 'string',
      description: 'seconds between samples (default: 1/30 of the run, 2 to 30)',
      placeholder: 's',
    },
    'max-growth': {
      type: 'string',
      description: 'allowed RSS growth after warm-up, percent',
      placeholder: 'pct',
      default: '10',
    },
  },
} as const;

interface Sample {
  t: number;
  rssMiB: number;
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  writerLagMs: number;
  eventsPerS: number;
  dbMiB: number;
}

/** Resident set of a process from /proc (Linux), in MiB. */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

async function scrape(port: number): Promise<(name: string, labels?: string) => number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return (name, labels = '') => {
    let sum = 0;
    for (const line of text.split('\n'))
      if (line.startsWith(`${name}${labels ? `{${labels}}` : ''} `) || (!labels && line.startsWith(`${name}{`)))
        sum += Number(line.split(' ').at(-1));
    return sum;
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, SPEC);
  if (!parsed) return 0;
  const minutes = numberOption(parsed.values, 'minutes', 30, 0.5);
  const rate = numberOption(parsed.values, 'rate', 20_000, 1);
  const everyS = numberOption(parsed.values, 'every', Math.min(30, Math.max(2, (minutes * 60) / 30)), 1);
  const maxGrowth = numberOption(parsed.values, 'max-growth', 10, 0) / 100;
  // Heap, SQLite's page cache and the JIT settle in the first fifth of the run (30 s to 5 min;
  // a 6-minute run rose to +25 % in its second minute, then settled back within 1 %).
  const warmupS = Math.min(300, Math.max(30, minutes * 12));

  const dir = mkdtempSync(join(tmpdir(), 'fb-soak-'));
  const db = join(dir, 'soak.db');
  const sim = await startSimulator({ port: 0, source: 'synthetic', eventsPerSecond: rate, seed: 5 });
  const configPath = join(dir, 'futuresboard.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      db,
      http: { port: 0 },
      exchanges: Object.fromEntries(EXCHANGES.map((id) => [id, { endpoints: sim.endpoints[id] }])),
    }),
  );
  const child = spawn(process.execPath, ['bin/futuresboard', 'collect', '--config', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let exited: number | null | undefined;
  child.once('exit', (code, signal) => (exited = code ?? (signal ? 128 : 1)));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.includes('"relay and HTTP API listening"')) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', () => reject(new FbError('E_COLLECTOR_EXITED', 'the collector exited during start-up')));
  });

  console.log(
    `soak: ${minutes} min at ${rate} events/s, sample every ${everyS} s, warm-up ${warmupS} s; ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  console.log('   t(s)  RSS(MiB)  loop p50/p99/max (ms)  writer lag(ms)  events/s  db(MiB)');
  const samples: Sample[] = [];
  const started = Date.now();
  let lastEvents = (await scrape(port))('futuresboard_events_total');
  let lastAt = Date.now();
  while (Date.now() - started < minutes * 60_000 && exited === undefined) {
    await new Promise((resolve) => setTimeout(resolve, everyS * 1000));
    if (exited !== undefined) break;
    const m = await scrape(port);
    const now = Date.now();
    const events = m('futuresboard_events_total');
    const s: Sample = {
      t: Math.round((now - started) / 1000),
      rssMiB: rssOf(child.pid!),
      loopP50Ms: m('futuresboard_event_loop_delay_p50_seconds') * 1000,
      loopP99Ms: m('futuresboard_event_loop_delay_p99_seconds') * 1000,
      loopMaxMs: m('futuresboard_event_loop_delay_max_seconds') * 1000,
      writerLagMs: m('futuresboard_writer_lag_seconds') * 1000,
      eventsPerS: ((events - lastEvents) * 1000) / (now - lastAt),
      dbMiB: (statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 2 ** 20,
    };
    lastEvents = events;
    lastAt = now;
    samples.push(s);
    console.log(
      `${String(s.t).padStart(7)}  ${s.rssMiB.toFixed(1).padStart(8)}  ${`${s.loopP50Ms.toFixed(1)}/${s.loopP99Ms.toFixed(1)}/${s.loopMaxMs.toFixed(1)}`.padStart(21)}  ` +
        `${s.writerLagMs.toFixed(0).padStart(14)}  ${Math.round(s.eventsPerS).toString().padStart(8)}  ${s.dbMiB.toFixed(0).padStart(7)}`,
    );
  }
  const died = exited !== undefined;
  child.kill('SIGTERM');
  await new Promise((resolve) => (exited === undefined ? child.once('exit', resolve) : resolve(null)));
  await sim.close();
  rmSync(dir, { recursive: true, force: true });

  if (died) {
    console.log(`FAIL: the collector exited (code ${exited}) during the soak`);
    return 1;
  }
  const after = samples.filter((s) => s.t > warmupS);
  if (after.length < 2) {
    console.log(`FAIL: only ${after.length} samples after warm-up; run longer or sample more often (--every)`);
    return 1;
  }
  // Averages of the first and last three samples after warm-up, so one GC does not decide.
  const k = Math.min(3, Math.floor(after.length / 2));
  const base = mean(after.slice(0, k).map((s) => s.rssMiB));
  const end = mean(after.slice(-k).map((s) => s.rssMiB));
  const growth = end / base - 1;
  const rateAfter = mean(after.map((s) => s.eventsPerS));
  console.log(
    `RSS after warm-up ${base.toFixed(1)} → ${end.toFixed(1)} MiB (${(growth * 100).toFixed(1)} %, limit ${(maxGrowth * 100).toFixed(0)} %); ` +
      `committed ${Math.round(rateAfter)} events/s; worst loop delay ${Math.max(...after.map((s) => s.loopMaxMs)).toFixed(1)} ms; ` +
      `worst writer lag ${Math.max(...after.map((s) => s.writerLagMs)).toFixed(0)} ms`,
  );
  if (growth > maxGrowth) {
    console.log(`FAIL: memory grew ${(growth * 100).toFixed(1)} % after warm-up`);
    return 1;
  }
  console.log('PASS');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(hasErrorCode(err) ? `soak: ${err.message}` : err);
    process.exit(hasErrorCode(err) ? exitCodeFor(err.code) : 1);
  },
);
