// Site configuration. A config.json served next to index.html (written by Terraform from its outputs) wins
// over the build-time VITE_ values, so one `terraform apply` deploys a working site; an empty or missing
// value there falls back to the build-time one.

export interface CognitoConfig {
  userPoolId: string;
  clientId: string;
  region: string;
  /** https://cognito-idp.<region>.amazonaws.com/<poolId>: its discovery document names every endpoint. */
  authority: string;
}

export interface SiteConfig {
  /** The API's base URL, always ending in "/". */
  apiUrl: string;
  /** Null when no user pool is configured: the site then offers a local sign-in with a pasted token. */
  cognito: CognitoConfig | null;
}

export interface RuntimeConfigFile {
  apiUrl?: string;
  cognitoUserPoolId?: string;
  cognitoClientId?: string;
  /** "local": the embedded server's own sign-in with its printed token, whatever the build-time values say. */
  auth?: 'cognito' | 'local';
}

export interface BuildEnv {
  VITE_API_URL?: string;
  VITE_COGNITO_USER_POOL_ID?: string;
  VITE_COGNITO_CLIENT_ID?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const POOL_ID = /^([a-z]{2}(?:-gov)?-[a-z]+-\d)_[A-Za-z0-9]+$/;

function pick(...values: (string | undefined | null)[]): string {
  for (const value of values) {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return '';
}

/** Resolve the API URL against the page (a relative or empty value means this origin) and end it in "/". */
export function normaliseApiUrl(value: string, pageOrigin: string): string {
  const url = new URL(value || '/', pageOrigin + '/');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`The API URL must be http(s), not "${value}".`);
  }
  const text = url.toString();
  return text.endsWith('/') ? text : text + '/';
}

export function resolveConfig(file: RuntimeConfigFile | null, env: BuildEnv, pageOrigin: string): SiteConfig {
  const apiUrl = normaliseApiUrl(pick(file?.apiUrl, env.VITE_API_URL), pageOrigin);
  if (file?.auth === 'local') return { apiUrl, cognito: null };
  const userPoolId = pick(file?.cognitoUserPoolId, env.VITE_COGNITO_USER_POOL_ID);
  const clientId = pick(file?.cognitoClientId, env.VITE_COGNITO_CLIENT_ID);
  if (!userPoolId && !clientId) return { apiUrl, cognito: null };
  if (!userPoolId || !clientId) {
    throw new ConfigError(
      'Both a Cognito user pool id and an app client id are needed (VITE_COGNITO_USER_POOL_ID and ' +
        'VITE_COGNITO_CLIENT_ID, or cognitoUserPoolId and cognitoClientId in config.json); only one is set.',
    );
  }
  const match = POOL_ID.exec(userPoolId);
  if (!match?.[1]) {
    throw new ConfigError(`"${userPoolId}" is not a Cognito user pool id (expected e.g. us-east-1_AbCdEfGhI).`);
  }
  const region = match[1];
  return {
    apiUrl,
    cognito: {
      userPoolId,
      clientId,
      region,
      authority: `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
    },
  };
}

/** Fetch /config.json (absent is fine: the build-time values are used) and resolve the configuration. */
export async function loadConfig(
  env: BuildEnv = import.meta.env as BuildEnv,
  fetchFn: typeof fetch = fetch,
  pageOrigin: string = window.location.origin,
): Promise<SiteConfig> {
  let file: RuntimeConfigFile | null = null;
  try {
    const response = await fetchFn(new URL('config.json', pageOrigin + '/').toString(), { cache: 'no-store' });
    if (response.ok && (response.headers.get('content-type') ?? '').includes('json')) {
      const body: unknown = await response.json();
      if (body && typeof body === 'object' && !Array.isArray(body)) file = body as RuntimeConfigFile;
      else throw new ConfigError('config.json must hold a JSON object.');
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof SyntaxError) throw new ConfigError(`config.json is not valid JSON: ${error.message}`);
    // Network failure or no config.json: the build-time values stand.
  }
  return resolveConfig(file, env, pageOrigin);
}
