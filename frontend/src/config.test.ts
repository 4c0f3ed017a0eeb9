import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, normaliseApiUrl, resolveConfig } from './config';

const ORIGIN = 'https://site.example.com';

describe('resolveConfig', () => {
  it('uses the build-time values when there is no config.json', () => {
    const config = resolveConfig(
      null,
      { VITE_API_URL: 'https://api.example.com/prod', VITE_COGNITO_USER_POOL_ID: 'eu-west-1_Abc123', VITE_COGNITO_CLIENT_ID: 'client1' },
      ORIGIN,
    );
    expect(config.apiUrl).toBe('https://api.example.com/prod/');
    expect(config.cognito).toEqual({
      userPoolId: 'eu-west-1_Abc123',
      clientId: 'client1',
      region: 'eu-west-1',
      authority: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123',
    });
  });

  it('lets config.json win over the build-time values, value by value', () => {
    const config = resolveConfig(
      { apiUrl: 'https://new.example.com/v1/', cognitoClientId: 'client2', cognitoUserPoolId: '' },
      { VITE_API_URL: 'https://old.example.com/', VITE_COGNITO_USER_POOL_ID: 'us-east-1_Pool', VITE_COGNITO_CLIENT_ID: 'client1' },
      ORIGIN,
    );
    expect(config.apiUrl).toBe('https://new.example.com/v1/');
    expect(config.cognito?.clientId).toBe('client2');
    expect(config.cognito?.userPoolId).toBe('us-east-1_Pool');
  });

  it('offers the local sign-in and this origin when nothing is configured (the runbook\'s blank .env)', () => {
    expect(resolveConfig(null, { VITE_API_URL: '', VITE_COGNITO_USER_POOL_ID: '', VITE_COGNITO_CLIENT_ID: '' }, ORIGIN)).toEqual({
      apiUrl: 'https://site.example.com/',
      cognito: null,
    });
  });

  it('takes the embedded server\'s {"auth": "local"} over a Cognito build', () => {
    const config = resolveConfig(
      { apiUrl: '/api/', auth: 'local' },
      { VITE_COGNITO_USER_POOL_ID: 'us-east-1_Pool', VITE_COGNITO_CLIENT_ID: 'client1' },
      'http://127.0.0.1:8765',
    );
    expect(config).toEqual({ apiUrl: 'http://127.0.0.1:8765/api/', cognito: null });
  });

  it('explains half a Cognito configuration and a malformed pool id', () => {
    expect(() => resolveConfig(null, { VITE_COGNITO_USER_POOL_ID: 'us-east-1_Pool' }, ORIGIN)).toThrow(/only one is set/);
    expect(() => resolveConfig(null, { VITE_COGNITO_USER_POOL_ID: 'pool', VITE_COGNITO_CLIENT_ID: 'c' }, ORIGIN)).toThrow(
      /not a Cognito user pool id/,
    );
  });

  it('resolves a relative API URL against the page and rejects other schemes', () => {
    expect(normaliseApiUrl('/api', ORIGIN)).toBe('https://site.example.com/api/');
    expect(() => normaliseApiUrl('javascript:alert(1)', ORIGIN)).toThrow(ConfigError);
  });
});

describe('loadConfig', () => {
  const env = { VITE_API_URL: 'https://build.example.com/' };

  it('reads /config.json from the page origin', async () => {
    const seen: string[] = [];
    const fetchFn = (async (url: string) => {
      seen.push(url);
      return new Response(JSON.stringify({ apiUrl: 'https://runtime.example.com/' }), {
        headers: { 'Content-Type': 'application/json' },
      });
    }) as unknown as typeof fetch;
    const config = await loadConfig(env, fetchFn, ORIGIN);
    expect(seen).toEqual(['https://site.example.com/config.json']);
    expect(config.apiUrl).toBe('https://runtime.example.com/');
  });

  it('falls back to the build-time values when config.json is missing (a dev server answers index.html)', async () => {
    const html = (async () =>
      new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } })) as unknown as typeof fetch;
    expect((await loadConfig(env, html, ORIGIN)).apiUrl).toBe('https://build.example.com/');
    const missing = (async () => new Response('', { status: 404 })) as unknown as typeof fetch;
    expect((await loadConfig(env, missing, ORIGIN)).apiUrl).toBe('https://build.example.com/');
  });

  it('reports a config.json that is not valid JSON instead of silently ignoring it', async () => {
    const broken = (async () =>
      new Response('{"apiUrl": ', { headers: { 'Content-Type': 'application/json' } })) as unknown as typeof fetch;
    await expect(loadConfig(env, broken, ORIGIN)).rejects.toThrow(/not valid JSON/);
  });
});
