import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/graph/redact.js';

describe('Redactor', () => {
  const redactor = new Redactor(['EAAB-secret-token/+=', 'app-secret-123', undefined]);

  it('removes known secrets, raw, URL-encoded and base64', () => {
    const text = [
      'token EAAB-secret-token/+= here',
      `url ?x=${encodeURIComponent('EAAB-secret-token/+=')}`,
      `b64 ${Buffer.from('app-secret-123').toString('base64')}`,
    ].join('\n');
    const out = redactor.redact(text);
    expect(out).not.toContain('EAAB-secret-token');
    expect(out).not.toContain(encodeURIComponent('EAAB-secret-token/+='));
    expect(out).not.toContain('app-secret-123');
    expect(out).not.toContain(Buffer.from('app-secret-123').toString('base64'));
  });

  it('removes credential-shaped fragments of unknown secrets', () => {
    const out = redactor.redact(
      'GET /v22.0/1?access_token=OTHER123&appsecret_proof=abcdef "access_token": "OTHER456" Authorization: Bearer OTHER789',
    );
    expect(out).not.toMatch(/OTHER|abcdef/);
    expect(out).toContain('access_token=[REDACTED]');
  });
});
