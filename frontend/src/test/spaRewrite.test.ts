// The CloudFront Function that Terraform deploys (terraform/modules/frontend/spa_rewrite.js), run as CloudFront
// runs it: a plain `handler(event)` script.
import { describe, expect, it } from 'vitest';
import code from '../../../terraform/modules/frontend/spa_rewrite.js?raw';

const handler = new Function(`${code}; return handler;`)() as (event: unknown) => { uri: string };

const rewrite = (uri: string) => handler({ request: { uri, method: 'GET', headers: {} } }).uri;

describe('spa_rewrite (CloudFront Function)', () => {
  it('serves index.html for the single-page app routes', () => {
    for (const route of ['/', '/dictionary', '/dictionary/calls', '/conversations/abc123', '/calls/c-1']) {
      expect(rewrite(route)).toBe('/index.html');
    }
  });

  it('passes files through, so a missing asset stays a 404', () => {
    for (const file of ['/index.html', '/config.json', '/favicon.svg', '/assets/index-Ab12.js', '/assets/missing.css']) {
      expect(rewrite(file)).toBe(file);
    }
  });

  it('uses only what the cloudfront-js runtime offers (no modules, no arrow functions)', () => {
    expect(code).not.toMatch(/\b(import|export|require)\b|=>/);
  });
});
