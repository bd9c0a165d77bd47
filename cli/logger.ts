/** The daemon's logger: pino JSON lines on stderr (stdout is kept for command output). */
import pino from 'pino';

export function createLogger(name: string, level = process.env.FUTURESBOARD_LOG_LEVEL ?? 'info') {
  return pino(
    { name, level, redact: ['token', 'http.token', '*.token', 'headers.authorization'] },
    pino.destination(2),
  );
}
