import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config';
import { createUserManager, isSigninCallback, logoutUrl } from './cognito';

const config = resolveConfig(
  null,
  { VITE_COGNITO_USER_POOL_ID: 'eu-central-1_Pool42', VITE_COGNITO_CLIENT_ID: 'client42' },
  'https://site.example.com',
).cognito!;

describe('Cognito sign-in settings', () => {
  it('uses the code flow (PKCE) against the pool, returning to the site root', () => {
    const settings = createUserManager(config, 'https://site.example.com').settings;
    expect(settings.authority).toBe('https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool42');
    expect(settings.client_id).toBe('client42');
    expect(settings.response_type).toBe('code');
    expect(settings.redirect_uri).toBe('https://site.example.com/');
    expect(settings.post_logout_redirect_uri).toBe('https://site.example.com/');
    expect(settings.automaticSilentRenew).toBe(true);
    expect(settings.scope.split(' ')).toContain('openid');
  });

  it('keeps the signed-in user in localStorage, where the runbook tells users to find the id_token', async () => {
    const manager = createUserManager(config, 'https://site.example.com');
    await manager.settings.userStore.set(`user:${config.authority}:client42`, '{"id_token":"x"}');
    expect(window.localStorage.getItem(`oidc.user:${config.authority}:client42`)).toBe('{"id_token":"x"}');
  });

  it('recognises the hosted UI redirect', () => {
    expect(isSigninCallback('?code=abc&state=xyz')).toBe(true);
    expect(isSigninCallback('?error=access_denied&state=xyz')).toBe(true);
    expect(isSigninCallback('?code=abc')).toBe(false);
    expect(isSigninCallback('')).toBe(false);
  });

  it('signs out at the hosted UI domain that the discovery document names', async () => {
    const manager = createUserManager(config, 'https://site.example.com');
    manager.metadataService.getAuthorizationEndpoint = async () =>
      'https://acme.auth.eu-central-1.amazoncognito.com/oauth2/authorize';
    const url = new URL(await logoutUrl(manager, config, 'https://site.example.com'));
    expect(url.origin + url.pathname).toBe('https://acme.auth.eu-central-1.amazoncognito.com/logout');
    expect(url.searchParams.get('client_id')).toBe('client42');
    expect(url.searchParams.get('logout_uri')).toBe('https://site.example.com/');
  });
});
