// Cognito hosted UI sign-in: authorization code + PKCE through oidc-client-ts. The user (with its id_token)
// is kept in localStorage under oidc.user:<authority>:<client id>, where the runbook's Test 4 tip finds it.
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { CognitoConfig } from '../config';

export type { User };

export function redirectUri(origin: string): string {
  return `${origin}/`;
}

export function createUserManager(config: CognitoConfig, origin: string): UserManager {
  return new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: redirectUri(origin),
    post_logout_redirect_uri: redirectUri(origin),
    response_type: 'code',
    scope: 'openid email profile',
    userStore: new WebStorageStateStore({ store: window.localStorage }),
    stateStore: new WebStorageStateStore({ store: window.localStorage }),
    automaticSilentRenew: true,
    // Cognito has no prompt=none; renewal uses the refresh token the code flow returns.
    loadUserInfo: false,
    monitorSession: false,
  });
}

/** The page was opened by the hosted UI's redirect (?code=…&state=… or ?error=…). */
export function isSigninCallback(search: string): boolean {
  const params = new URLSearchParams(search);
  return (params.has('code') || params.has('error')) && params.has('state');
}

/**
 * Cognito's discovery document has no end_session_endpoint; its hosted UI signs out at <domain>/logout,
 * on the same host as the authorization endpoint the discovery document names.
 */
export async function logoutUrl(manager: UserManager, config: CognitoConfig, origin: string): Promise<string> {
  const authorize = await manager.metadataService.getAuthorizationEndpoint();
  const url = new URL('/logout', authorize);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('logout_uri', redirectUri(origin));
  return url.toString();
}

export function displayName(user: User): string {
  const profile = user.profile;
  return String(profile.email ?? profile['cognito:username'] ?? profile.preferred_username ?? profile.sub);
}
