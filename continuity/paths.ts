/** Where continuity keeps its files, relative to the repository root (the site reads the same paths). */
export const STATE_PATH = 'data/continuity_state.json';
export const PHASE_PATH = 'docs/phase.json';
export const TEMPLATE_PATH = 'docs/status_report_template.md';
export const STATUS_DIR = 'docs/status';
export const WATCH_LOG_PATH = 'data/continuity_watch.log';
