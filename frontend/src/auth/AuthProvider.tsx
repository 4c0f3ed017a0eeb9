import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SiteConfig } from '../config';
import type { UserManager } from 'oidc-client-ts';

export const LOCAL_TOKEN_KEY = 'pca.id_token';

export type AuthStatus = 'loading' | 'signedOut' | 'signedIn';

export interface Auth {
  mode: 'cognito' | 'local';
  status: AuthStatus;
  userName: string | null;
  /** Why the last sign-in failed, in plain words. */
  error: string | null;
  getToken: () => Promise<string | null>;
  /** Cognito: go to the hosted UI. */
  signIn: () => Promise<void>;
  /** Local: use a pasted token (checked by `verify` before it is kept). */
  signInWithToken: (token: string, verify: (token: string) => Promise<void>) => Promise<void>;
  signOut: () => Promise<void>;
  /** The API answered 401: the token is no longer good. */
  expired: () => void;
}

const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

interface Props {
  config: SiteConfig;
  children: ReactNode;
  /** Tests inject a manager; the site loads oidc-client-ts on demand. */
  userManager?: UserManager;
}

function readLocalToken(): string | null {
  try {
    return window.localStorage.getItem(LOCAL_TOKEN_KEY);
  } catch {
    return null;
  }
}

export function AuthProvider({ config, children, userManager }: Props) {
  const mode = config.cognito ? 'cognito' : 'local';
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [userName, setUserName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const manager = useRef<UserManager | null>(userManager ?? null);
  const cognitoModule = useRef<typeof import('./cognito') | null>(null);

  const getManager = useCallback(async () => {
    const cognito = (cognitoModule.current ??= await import('./cognito'));
    if (!manager.current && config.cognito) {
      manager.current = cognito.createUserManager(config.cognito, window.location.origin);
    }
    return { cognito, manager: manager.current! };
  }, [config.cognito]);

  useEffect(() => {
    let cancelled = false;
    async function start() {
      if (mode === 'local') {
        // A URL fragment #token=… (as `make up` prints it) signs in directly; the fragment never reaches a server.
        const fragment = new URLSearchParams(window.location.hash.slice(1));
        const fromUrl = fragment.get('token');
        if (fromUrl) {
          window.localStorage.setItem(LOCAL_TOKEN_KEY, fromUrl);
          window.history.replaceState(null, '', window.location.pathname + window.location.search);
        }
        const token = readLocalToken();
        if (!cancelled) {
          setUserName(token ? 'local user' : null);
          setStatus(token ? 'signedIn' : 'signedOut');
        }
        return;
      }
      try {
        const { cognito, manager: mgr } = await getManager();
        mgr.events.addUserLoaded((user) => setUserName(cognito.displayName(user)));
        mgr.events.addSilentRenewError(() => {
          setError('Your session could not be renewed. Sign in again.');
          setStatus('signedOut');
        });
        let user = null;
        if (cognito.isSigninCallback(window.location.search)) {
          const params = new URLSearchParams(window.location.search);
          if (params.has('error')) {
            const reason = params.get('error_description') ?? params.get('error');
            window.history.replaceState(null, '', '/');
            throw new Error(`Sign-in was refused: ${reason}`);
          }
          user = await mgr.signinRedirectCallback();
          const back = typeof user.state === 'string' && user.state.startsWith('/') ? user.state : '/';
          window.history.replaceState(null, '', back);
        } else {
          user = await mgr.getUser();
          if (user?.expired) {
            try {
              user = await mgr.signinSilent();
            } catch {
              await mgr.removeUser();
              user = null;
            }
          }
        }
        if (cancelled) return;
        if (user && !user.expired) {
          setUserName(cognito.displayName(user));
          setStatus('signedIn');
        } else {
          setStatus('signedOut');
        }
      } catch (err) {
        if (cancelled) return;
        setError(err instanceof Error ? err.message : String(err));
        setStatus('signedOut');
      }
    }
    void start();
    return () => {
      cancelled = true;
    };
  }, [mode, getManager]);

  const getToken = useCallback(async () => {
    if (mode === 'local') return readLocalToken();
    const { manager: mgr } = await getManager();
    const user = await mgr.getUser();
    // The Cognito authorizer (no OAuth scopes) takes the id token, as the runbook's Test 4 does.
    return user?.id_token ?? null;
  }, [mode, getManager]);

  const signIn = useCallback(async () => {
    setError(null);
    const { manager: mgr } = await getManager();
    const path = window.location.pathname + window.location.search;
    await mgr.signinRedirect({ state: path });
  }, [getManager]);

  const signInWithToken = useCallback(async (token: string, verify: (token: string) => Promise<void>) => {
    setError(null);
    const trimmed = token.trim();
    if (!trimmed) {
      setError('Paste the token that `make up` printed.');
      return;
    }
    try {
      await verify(trimmed);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return;
    }
    window.localStorage.setItem(LOCAL_TOKEN_KEY, trimmed);
    setUserName('local user');
    setStatus('signedIn');
  }, []);

  const signOut = useCallback(async () => {
    if (mode === 'local') {
      window.localStorage.removeItem(LOCAL_TOKEN_KEY);
      setUserName(null);
      setStatus('signedOut');
      return;
    }
    const { cognito, manager: mgr } = await getManager();
    let target: string | null = null;
    try {
      target = await cognito.logoutUrl(mgr, config.cognito!, window.location.origin);
    } catch {
      target = null;
    }
    await mgr.removeUser();
    setUserName(null);
    setStatus('signedOut');
    if (target) window.location.assign(target);
  }, [mode, getManager, config.cognito]);

  const expired = useCallback(() => {
    if (mode === 'local') window.localStorage.removeItem(LOCAL_TOKEN_KEY);
    else void getManager().then(({ manager: mgr }) => mgr.removeUser());
    setError('Your sign-in has expired or was not accepted. Sign in again.');
    setStatus('signedOut');
  }, [mode, getManager]);

  const value = useMemo<Auth>(
    () => ({ mode, status, userName, error, getToken, signIn, signInWithToken, signOut, expired }),
    [mode, status, userName, error, getToken, signIn, signInWithToken, signOut, expired],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
