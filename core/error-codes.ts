/**
 * Every error code futuresboard throws, answers or logs, with what it means and what the user
 * should do. docs/errors.md shows this table (a test keeps the two equal) and the CLI picks its
 * exit code from `kind`: `usage` (the command line or config is wrong) exits 2, the others 1.
 */
export type ErrorKind = 'usage' | 'input' | 'runtime';

export interface ErrorInfo {
  kind: ErrorKind;
  meaning: string;
  fix: string;
}

export const ERROR_CODES = {
  // Command line and config
  E_USAGE: {
    kind: 'usage',
    meaning: 'a command-line option or argument is missing or wrong',
    fix: 'read the message; `futuresboard <command> --help` lists the options',
  },
  E_CONFIG: {
    kind: 'usage',
    meaning: 'the config file or a FUTURESBOARD_* variable is invalid',
    fix: 'fix the named field (docs/config.schema.json describes every field)',
  },
  E_METRICS_CONFIG: {
    kind: 'usage',
    meaning: 'the metrics config has invalid fields',
    fix: 'fix every field the message lists (docs/quant-blueprint.md)',
  },
  E_ALERT_SINK: {
    kind: 'usage',
    meaning: 'an alert webhook target is invalid',
    fix: 'fix the named webhooks[i] entry: format, URL or duplicate name',
  },
  E_ENDPOINT: {
    kind: 'input',
    meaning: 'an exchange endpoint setting is not a usable URL',
    fix: 'set the named endpoint to the URL form the message shows',
  },
  E_OKX_OPTION: {
    kind: 'input',
    meaning: 'an OKX adapter option (endpoint or instrument) is invalid',
    fix: 'fix the named option as the message says',
  },

  // Database files
  E_DB_PATH: {
    kind: 'input',
    meaning: 'the database path is missing, a directory, or cannot be read or written',
    fix: 'give the path of a database file in a folder you can write',
  },
  E_NOT_SQLITE: {
    kind: 'input',
    meaning: 'the file is not a readable SQLite database, or is truncated',
    fix: 'give a futuresboard recording; copy a truncated file again',
  },
  E_NOT_RECORDING: {
    kind: 'input',
    meaning: 'the file is SQLite (or empty) but not a futuresboard recording',
    fix: 'give a database written by futuresboard collect, import or export',
  },
  E_DB_TOO_NEW: {
    kind: 'input',
    meaning: 'the database was written by a newer futuresboard (higher schema version)',
    fix: 'upgrade futuresboard to open it',
  },
  E_CATALOG: {
    kind: 'input',
    meaning: 'a recordings folder has no readable catalog.json, or a segment differs from it',
    fix: 'run `futuresboard recordings verify --recordings <dir>`; restore the folder from a backup',
  },
  E_MANIFEST: {
    kind: 'input',
    meaning: 'a published recordings manifest.json is unreadable, or a published segment differs from it',
    fix: 'publish the site again (`npm run build` or `futuresboard publish --out <dir>`) and upload all of dist/',
  },
  E_PUBLISH: {
    kind: 'runtime',
    meaning: 'publishing recordings could not write the output folder',
    fix: 'make the --out folder (dist/recordings/ in a build) writable and free disk space; the message names the cause',
  },
  E_V1_RECORDING: {
    kind: 'input',
    meaning: 'a writer was given a recording in the old (v1) schema',
    fix: 'convert it with `futuresboard migrate --db <old> --out <dir>`, or record into a new file',
  },
  E_MIGRATE: {
    kind: 'input',
    meaning: 'migrate was given no v1 recording with events, or an --out folder that already holds one',
    fix: 'give a v1 recording (schema version 1 or 2) and a new or empty --out folder',
  },
  E_BAD_MIGRATION: {
    kind: 'runtime',
    meaning: 'a migration file is misnamed or the numbering has a hole',
    fix: 'name migrations 001_name.sql, 002_name.sql, ... without gaps',
  },
  E_DB_LOCKED: {
    kind: 'runtime',
    meaning: 'another running process writes this database',
    fix: 'stop the other writer, or give another --db',
  },
  E_DB_UNAVAILABLE: {
    kind: 'runtime',
    meaning: 'the HTTP API cannot read the live database, or the server is a relay node, which has none',
    fix: 'check that the collector runs and its database file exists, then retry; on a relay node, ask the store role',
  },
  E_BUS: {
    kind: 'runtime',
    meaning: 'the NATS server refused the stream or consumer a scale-out role needs',
    fix: 'read the message: check bus.* in the config against docs/scale-out.md, the server version and the account permissions',
  },
  E_WRITE_FAILED: {
    kind: 'runtime',
    meaning: 'events queued at shutdown could not be written',
    fix: 'check disk space and permissions of the database folder; the message names the SQLite error',
  },
  E_SEGMENT_CLOSE: {
    kind: 'runtime',
    meaning:
      'closing a segment failed (copy, integrity check, compression or rename); its rows stay in the hot database',
    fix: 'nothing for one: the close is retried; if it repeats, free disk space in the recordings folder and read the logged cause',
  },
  E_SQLJS_BIGINT: {
    kind: 'runtime',
    meaning: 'sql.js cannot bind an integer beyond ±(2^53 − 1) exactly',
    fix: 'report it: recordings keep integers within that range',
  },

  // Collector
  E_PARSE: {
    kind: 'input',
    meaning: 'an exchange frame or REST body is malformed; it is counted and skipped',
    fix: 'nothing for one; many mean the exchange changed its format: report it',
  },
  E_LISTEN: {
    kind: 'runtime',
    meaning: 'the relay/HTTP server cannot listen on its port (in use, or not allowed)',
    fix: 'stop the other process or set http.port (FUTURESBOARD_PORT)',
  },
  E_METRICS_INPUT: {
    kind: 'input',
    meaning: 'an event with an unparsable number reached the metrics engine and was ignored',
    fix: 'nothing; many in the log mean a parser bug: report it',
  },
  E_WEBHOOK: {
    kind: 'runtime',
    meaning: 'an alert webhook delivery failed (logged; retried with backoff)',
    fix: 'check the target URL and that it answers 2xx',
  },
  E_IMPORT_EMPTY: {
    kind: 'input',
    meaning: 'import read no frame from the given captures',
    fix: 'give capture .jsonl files as written by the collector raw archive',
  },
  E_VERIFY_SCHEMA: {
    kind: 'input',
    meaning: 'the database has no metrics or alerts table (its schema predates version 2)',
    fix: 'use a recording written by a current futuresboard',
  },

  // Export
  E_EXPORT_OPTIONS: {
    kind: 'usage',
    meaning: 'an export option (path, --from/--to, --markets) is invalid',
    fix: 'fix the named option',
  },
  E_EXPORT_SOURCE: {
    kind: 'input',
    meaning: 'the database to export is missing or unreadable',
    fix: 'give the path of a readable futuresboard database',
  },
  E_EXPORT_INTEGRITY: {
    kind: 'runtime',
    meaning: 'the copy failed PRAGMA integrity_check; nothing was written',
    fix: 'retry; if it fails again, check the source with sqlite3 "PRAGMA integrity_check"',
  },
  E_EXPORT_ABORTED: {
    kind: 'runtime',
    meaning: 'the export was cancelled (the daemon is shutting down)',
    fix: 'run it again once the daemon is back',
  },
  E_EXPORT_FAILED: {
    kind: 'runtime',
    meaning: 'the export failed for another reason (disk full, worker crash)',
    fix: 'read the SQLite or Node error in the message; free disk space and retry',
  },
  E_EXPORT_BUSY: {
    kind: 'runtime',
    meaning: '/api/snapshot: a snapshot is already being made',
    fix: 'retry after the Retry-After seconds',
  },

  // Relay websocket and HTTP API answers (docs/relay-protocol.md)
  E_UNKNOWN_OP: {
    kind: 'input',
    meaning: 'a relay message has no known "op"',
    fix: 'send op subscribe, unsubscribe or ping',
  },
  E_BAD_CHANNELS: {
    kind: 'input',
    meaning: 'a relay message lists no channel or an unknown one',
    fix: 'use the channels the message lists',
  },
  E_BAD_MARKETS: {
    kind: 'input',
    meaning: 'a relay message has an invalid "markets" list',
    fix: 'give unified markets such as BTC/USDT:USDT, or leave the list out',
  },
  E_RELAY_CHANNEL: {
    kind: 'runtime',
    meaning: 'the collector asked the relay to publish on a channel it does not serve',
    fix: 'report it: a bug in the collector',
  },
  E_PARTIAL_UNSUBSCRIBE: {
    kind: 'input',
    meaning: 'an unsubscribe named markets of a channel subscribed for all markets',
    fix: 'unsubscribe the channel, then subscribe the markets you want',
  },
  E_ORIGIN: {
    kind: 'input',
    meaning: 'the relay refused a websocket from an origin not allowed',
    fix: 'add the origin to http.origins',
  },
  E_TOKEN: {
    kind: 'input',
    meaning: 'a bearer token is required and was missing or wrong',
    fix: 'send Authorization: Bearer <token> or ?token=',
  },
  E_HOST: {
    kind: 'input',
    meaning: 'the request Host is not one the server answers for',
    fix: 'use 127.0.0.1 or localhost, or add the name to http.allowedHosts',
  },
  E_TOO_MANY_CLIENTS: {
    kind: 'runtime',
    meaning: 'the relay already serves its maximum number of clients',
    fix: 'retry later, or raise the relay client limit',
  },
  E_BAD_REQUEST: {
    kind: 'input',
    meaning: 'a malformed websocket upgrade request',
    fix: 'connect with a standard websocket client',
  },
  E_NOT_FOUND: {
    kind: 'input',
    meaning: 'no such HTTP endpoint or websocket path',
    fix: 'use an endpoint the message lists; the websocket is on /',
  },
  E_METHOD: { kind: 'input', meaning: 'HTTP method not allowed', fix: 'use GET' },
  E_BAD_QUERY: {
    kind: 'input',
    meaning: 'an HTTP API query parameter is missing or invalid',
    fix: 'fix the named parameter',
  },
  E_UNKNOWN_MARKET: {
    kind: 'input',
    meaning: 'no live state for the requested market',
    fix: 'use a market listed by /api/markets',
  },
  E_INTERNAL: {
    kind: 'runtime',
    meaning: 'the HTTP API failed unexpectedly',
    fix: 'read the collector log and report it',
  },

  // Replay and backtest
  E_REPLAY_FILTER: {
    kind: 'input',
    meaning: 'a replay filter (--from/--to/--markets) is invalid',
    fix: 'fix the named filter',
  },
  E_REPLAY_SPEED: {
    kind: 'input',
    meaning: 'the replay speed is not a positive multiple or max',
    fix: 'give 1, 10x, 100x or max',
  },
  E_REPLAY_STATE: {
    kind: 'runtime',
    meaning: 'the player was used wrongly (run twice, bad option, bad seek time)',
    fix: 'report it: a bug in the caller',
  },
  E_BACKTEST_PARAM: {
    kind: 'input',
    meaning: 'a backtest parameter or sweep is invalid',
    fix: 'fix the named parameter; --help lists the known ones',
  },
  E_BACKTEST_STRATEGY: {
    kind: 'input',
    meaning: 'unknown strategy, or a strategy parameter clashes with an account parameter',
    fix: 'use a built-in strategy the message lists',
  },
  E_BACKTEST_STATE: {
    kind: 'runtime',
    meaning: 'the backtest engine was used wrongly (finished, events out of order)',
    fix: 'report it: a bug in the caller',
  },

  // Site (the sql.js worker and the recording loader)
  E_TOO_LARGE: {
    kind: 'input',
    meaning: 'the recording is above the size limit of the browser replay',
    fix: 'open a shorter one (futuresboard export --from/--to) or raise the limit with ?maxmb=',
  },
  E_FETCH: {
    kind: 'runtime',
    meaning: 'the recording could not be downloaded',
    fix: 'check the connection and the URL; reload',
  },
  E_EMPTY: { kind: 'input', meaning: 'the recording holds no events', fix: 'open a recording with events' },
  E_REPLAY: {
    kind: 'runtime',
    meaning: 'the browser replay failed',
    fix: 'open a recording first; otherwise reload and report the message',
  },
  E_BACKTEST: {
    kind: 'input',
    meaning: 'the browser backtest failed (no recording open, or a bad parameter)',
    fix: 'open a recording first, or fix the named parameter',
  },
  E_WORKER: {
    kind: 'runtime',
    meaning: 'the recording worker crashed',
    fix: 'reload the page; report it if it repeats',
  },

  // Simulator
  E_SIM_OPTION: {
    kind: 'input',
    meaning: 'a simulator option or protocol limit is invalid',
    fix: 'fix the named option',
  },
  E_SIM_MARKET: {
    kind: 'input',
    meaning: 'a simulated market is unknown or badly specified',
    fix: 'use a preset the message lists or fix the spec',
  },
  E_SIM_CAPTURE: {
    kind: 'input',
    meaning: 'a capture file to serve is missing or unreadable',
    fix: 'give capture files, or put ../shared/captures beside the repository',
  },
  E_SIM_FAULT: {
    kind: 'input',
    meaning: 'POST /faults got an invalid fault',
    fix: 'send a JSON fault such as {"exchange":"binance-usdm","fault":"drop"} (simulator/README.md)',
  },
  E_SIM_BODY_TOO_LARGE: {
    kind: 'input',
    meaning: 'a request body sent to the simulator is too large',
    fix: 'send a smaller body',
  },
  E_SIM_NOT_FOUND: {
    kind: 'input',
    meaning: 'the simulator serves nothing at that path',
    fix: 'see simulator/README.md for the paths',
  },
  E_SIM_INTERNAL: {
    kind: 'runtime',
    meaning: 'the simulator failed to answer a request',
    fix: 'read the message and report it',
  },

  // Continuity
  E_NOT_GIT: {
    kind: 'input',
    meaning: 'not inside a git work tree',
    fix: 'run from a clone of the project or pass --repo <dir>',
  },
  E_NO_COMMITS: {
    kind: 'input',
    meaning: 'the branch has no commit to build on',
    fix: 'make a first commit, then run again',
  },
  E_DETACHED: {
    kind: 'input',
    meaning: 'HEAD is not on a branch',
    fix: 'switch to a branch (git switch <branch>), then run again',
  },
  E_IN_PROGRESS: {
    kind: 'input',
    meaning: 'a rebase, merge, cherry-pick or revert is unfinished, or paths are unmerged',
    fix: 'finish or abort it, then run again',
  },
  E_SYNC_CONFLICT: {
    kind: 'runtime',
    meaning:
      'the remote changed files you have uncommitted changes to, or rebasing onto it conflicted; nothing was changed',
    fix: 'commit or stash your changes, or pull and resolve (git pull --rebase), then run again',
  },
  E_PUSH_REJECTED: {
    kind: 'runtime',
    meaning: 'the remote kept moving ahead for every push attempt',
    fix: 'nothing: the commit is kept and goes out with the next sync',
  },
  E_PUSH_FAILED: {
    kind: 'runtime',
    meaning: 'the push failed (network, permissions, hook)',
    fix: 'fix the cause git names; the commit goes out with the next sync',
  },
  E_UNPUSHED_WORK: {
    kind: 'input',
    meaning: 'the branch holds your own unpushed commits, which are not ours to publish',
    fix: 'push them yourself when ready; the status commit goes out with the next sync',
  },
  E_COMMIT_FAILED: {
    kind: 'runtime',
    meaning: 'git commit failed; nothing was changed',
    fix: 'fix the cause git names (identity, hooks), then run again',
  },
  E_TEMPLATE: {
    kind: 'input',
    meaning: 'the report template is missing or names an unknown placeholder',
    fix: 'restore docs/status_report_template.md from git, or use the placeholders it lists',
  },
  E_NO_SNAPSHOT: {
    kind: 'input',
    meaning: '`continuity report` before any snapshot',
    fix: 'run futuresboard continuity snapshot first (or sync)',
  },
  E_STATE: {
    kind: 'input',
    meaning: 'data/continuity_state.json is unreadable',
    fix: 'delete it to start a new history',
  },
  E_PHASE: {
    kind: 'input',
    meaning: 'docs/phase.json is unreadable, or a phase tag or note is invalid',
    fix: 'fix or delete docs/phase.json; tags are 1-40 letters, digits, ".", "_" or "-"',
  },

  // Tools
  E_COLLECTOR_EXITED: {
    kind: 'runtime',
    meaning: 'bench/soak: the collector exited during start-up',
    fix: 'read the collector output above and fix its cause',
  },
} as const satisfies Record<`E_${string}`, ErrorInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
