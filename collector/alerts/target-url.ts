/**
 * A webhook URL is a secret: Discord and Slack put the token in the path, Telegram puts the bot
 * token there (`/bot<token>/sendMessage`), others use the query. It must never reach a log line,
 * /health, or the `alert_deliveries` table (which every /snapshot.sqlite download carries).
 * So: no user:password@ in webhook URLs at all (fetch quotes such a URL whole in its error),
 * and every error text about a delivery passes through `redactor(url)`.
 */

/** What is wrong with `text` as a webhook URL (worded without quoting it), or null when it is fine. */
export function webhookUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `must use http or https, not ${url.protocol.slice(0, -1)}`;
  if (url.username || url.password)
    return 'must not contain a user name or password (user:pass@); use the secret URL the service gives you';
  return null;
}

/** Parts of a URL that may be secret; shorter ones (e.g. "api", "hooks") are ordinary words. */
function secretsOf(text: string): string[] {
  const url = new URL(text);
  const parts = [url.username, url.password, ...url.pathname.split('/'), ...[...url.searchParams.values()]];
  // Telegram's path segment is "bot" + "<bot id>:<secret>"; a reply may quote the token or its secret alone.
  for (const segment of url.pathname.split('/'))
    if (segment.startsWith('bot')) parts.push(segment.slice(3), ...segment.split(':'));
  const forms = parts.flatMap((p) => [p, safeDecode(p), encodeURIComponent(safeDecode(p))]);
  // Longest first, so a secret that contains another is replaced whole.
  return [...new Set(forms)].filter((p) => p.length >= 8).sort((a, b) => b.length - a.length);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A function that replaces every secret part of `url` in a text with "***". */
export function redactor(url: string): (text: string) => string {
  const secrets = secretsOf(url);
  return (text) => secrets.reduce((out, s) => out.split(s).join('***'), text);
}
