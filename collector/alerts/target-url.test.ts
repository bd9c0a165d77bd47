import { describe, expect, it } from 'vitest';
import { redactor, webhookUrlProblem } from './target-url.ts';

describe('webhook URL secrets', () => {
  it('accepts http(s) URLs without user info, and words every problem without quoting the URL', () => {
    expect(webhookUrlProblem('https://discord.com/api/webhooks/1/abc')).toBeNull();
    const problems = [
      'not a url',
      'ftp://files.example/x',
      'https://ops:hunter2-secret@hooks.example/x',
      'https://token-only-secret@hooks.example/x',
    ].map(webhookUrlProblem);
    expect(problems).toEqual([
      'must be an absolute http(s) URL',
      'must use http or https, not ftp',
      'must not contain a user name or password (user:pass@); use the secret URL the service gives you',
      'must not contain a user name or password (user:pass@); use the secret URL the service gives you',
    ]);
  });

  it('redacts path and query secrets in plain and percent-encoded form, longest first, and leaves short words', () => {
    const redact = redactor('https://hooks.example/api/T0SECRET1/B0SECRET2/xoxSecretPart3?sig=a+b/c%3D%3Dsig1234');
    expect(redact('POST /api/T0SECRET1/B0SECRET2/xoxSecretPart3 failed')).toBe('POST /api/***/***/*** failed');
    expect(redact('sig a b/c==sig1234 or a%20b%2Fc%3D%3Dsig1234')).toBe('sig *** or ***');
    const telegram = redactor('https://api.telegram.org/bot123456789:AAHsecret-token/sendMessage');
    // The bot id before the colon is the bot's public user id; the part after it is the secret.
    expect(telegram('bot123456789:AAHsecret-token, 123456789:AAHsecret-token, AAHsecret-token')).toBe('***, ***, ***');
  });
});
