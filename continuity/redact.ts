/**
 * Secret scrubbing for everything continuity prints or writes (logs, reports, state, commit
 * messages): credentials inside URLs and the values of token-looking environment variables.
 */
export type Redact = (text: string) => string;

/** FUTURESBOARD_TOKEN, GITHUB_TOKEN, GH_TOKEN, *_TOKEN, *_SECRET, *_PASSWORD. */
const SECRET_NAME = /(?:^|_)(?:TOKEN|SECRET|PASSWORD)$/i;
/** `scheme://user:pass@` or `scheme://token@`: keep the scheme, hide the userinfo. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"<>]+@/gi;
/** Shorter values would blank out ordinary words and numbers. */
const MIN_SECRET_LENGTH = 4;
export const MASK = '***';

export function createRedactor(
  env: Record<string, string | undefined>,
  extra: readonly (string | null | undefined)[] = [],
): Redact {
  const secrets = [
    ...Object.entries(env)
      .filter(([name]) => SECRET_NAME.test(name))
      .map(([, v]) => v),
    ...extra,
  ]
    .filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH)
    // Longest first, so a secret containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of secrets) out = out.split(s).join(MASK);
    return out.replace(URL_USERINFO, `$1${MASK}@`);
  };
}
