// The Cognito hosted-UI sign-in (authorization code + PKCE, oidc-client-ts) with every Cognito endpoint
// answered by page.route: discovery, the hosted UI's authorize page, the token endpoint (code and refresh
// grants) and logout. The site is served with the Content-Security-Policy Terraform attaches in CloudFront.
import { createHash } from 'node:crypto';
import { assert, assertEqual } from './harness.mjs';
import { RUNBOOK_QUESTION } from './local.mjs';

const REGION = 'us-east-1';
const POOL = 'us-east-1_E2ePool';
const CLIENT = 'e2e-client';
const AUTHORITY = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
const HOSTED_UI = `https://e2e-analytics.auth.${REGION}.amazoncognito.com`;

/** The CSP string from terraform/modules/frontend/main.tf, with its references filled in for this region. */
export function terraformCsp(mainTf) {
  const strings = (text) => [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  const policy = /content_security_policy = join\("; ", \[([\s\S]*?)\]\)/.exec(mainTf);
  const connect = /connect_src = join\(" ", concat\(\[([\s\S]*?)\], var\.extra_connect_src\)\)/.exec(mainTf);
  if (!policy || !connect) throw new Error('no content_security_policy / connect_src in terraform/modules/frontend/main.tf');
  return strings(policy[1])
    .join('; ')
    .replaceAll('${local.connect_src}', strings(connect[1]).join(' '))
    .replaceAll('${local.region}', REGION);
}

export async function cognitoScenarios({ browser, origin, token, claims, harness, csp: mainTf }) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const csp = terraformCsp(mainTf);
  const seen = { authorize: null, tokenRequests: [], logout: null, apiAuth: [] };
  const violations = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  page.on('request', (request) => {
    if (request.url().startsWith(`${origin}/api/`)) seen.apiAuth.push(request.headers().authorization ?? null);
  });

  const cors = { 'Access-Control-Allow-Origin': origin, 'Cache-Control': 'no-store' };
  const json = (body) => ({ status: 200, contentType: 'application/json', headers: cors, body: JSON.stringify(body) });

  // The site, with Terraform's security headers, and the config.json Terraform writes.
  await context.route(`${origin}/**`, async (route) => {
    if (route.request().resourceType() !== 'document') return route.fallback();
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  await context.route(`${origin}/config.json`, (route) =>
    route.fulfill(json({ apiUrl: `${origin}/api/`, cognitoUserPoolId: POOL, cognitoClientId: CLIENT, auth: 'cognito' })),
  );
  await context.route(`${AUTHORITY}/.well-known/openid-configuration`, (route) =>
    route.fulfill(
      json({
        issuer: AUTHORITY,
        authorization_endpoint: `${HOSTED_UI}/oauth2/authorize`,
        token_endpoint: `${HOSTED_UI}/oauth2/token`,
        userinfo_endpoint: `${HOSTED_UI}/oauth2/userInfo`,
        jwks_uri: `${AUTHORITY}/.well-known/jwks.json`,
        response_types_supported: ['code', 'token'],
        scopes_supported: ['openid', 'email', 'phone', 'profile'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      }),
    ),
  );
  // The hosted UI: a sign-in form whose button returns to the site with a code, as Cognito does.
  await context.route(`${HOSTED_UI}/oauth2/authorize**`, (route) => {
    const url = new URL(route.request().url());
    seen.authorize = url;
    const back = new URL(url.searchParams.get('redirect_uri'));
    back.searchParams.set('code', 'e2e-code');
    back.searchParams.set('state', url.searchParams.get('state'));
    return route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: `<!doctype html><title>Sign in</title><main><h1>Sign in with your email and password</h1>
        <label>Email <input name="username"></label><label>Password <input type="password" name="password"></label>
        <a id="go" href="${back.toString().replace(/&/g, '&amp;')}">Sign in</a></main>`,
    });
  });
  let refreshed = 0;
  await context.route(`${HOSTED_UI}/oauth2/token`, (route) => {
    const form = new URLSearchParams(route.request().postData() ?? '');
    seen.tokenRequests.push(Object.fromEntries(form));
    const grant = form.get('grant_type');
    if (grant === 'refresh_token') refreshed += 1;
    // Short-lived access token: oidc-client-ts renews 60 s before expiry, so the refresh grant runs within seconds.
    return route.fulfill(
      json({
        id_token: token,
        access_token: `e2e-access-${seen.tokenRequests.length}`,
        ...(grant === 'authorization_code' ? { refresh_token: 'e2e-refresh' } : {}),
        token_type: 'Bearer',
        expires_in: 64,
      }),
    );
  });
  await context.route(`${HOSTED_UI}/logout**`, (route) => {
    const url = new URL(route.request().url());
    seen.logout = url;
    return route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: `<!doctype html><title>Signed out</title><a id="back" href="${url.searchParams.get('logout_uri')}">Back</a>`,
    });
  });

  await harness.test('signs in through the Cognito hosted UI with authorization code + PKCE', async () => {
    await page.goto(`${origin}/dictionary`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${HOSTED_UI}/oauth2/authorize**`);
    const params = seen.authorize.searchParams;
    assertEqual(params.get('response_type'), 'code', 'response_type');
    assertEqual(params.get('client_id'), CLIENT, 'client_id');
    assertEqual(params.get('redirect_uri'), `${origin}/`, 'redirect_uri is the site URL Terraform registers');
    assertEqual(params.get('code_challenge_method'), 'S256', 'PKCE method');
    assert(params.get('scope').split(' ').includes('openid'), 'openid scope');
    await harness.screenshot(page, 'cognito-hosted-ui');
    await page.locator('#go').click();
    await page.getByRole('heading', { name: 'Data dictionary' }).waitFor();
    assertEqual(new URL(page.url()).pathname, '/dictionary', 'returned to the page the sign-in started from');
    const exchange = seen.tokenRequests[0];
    assertEqual(exchange.grant_type, 'authorization_code', 'code grant');
    assertEqual(exchange.code, 'e2e-code', 'the code from the redirect');
    assertEqual(exchange.client_id, CLIENT, 'client id in the token request');
    const challenge = createHash('sha256').update(exchange.code_verifier).digest('base64url');
    assertEqual(challenge, params.get('code_challenge'), 'code_verifier matches the code_challenge');
    await page.getByText(claims.email).waitFor();
  });

  await harness.test("keeps the id_token where the runbook's Test 4 tip looks (localStorage) and sends it to the API", async () => {
    const stored = await page.evaluate((key) => localStorage.getItem(key), `oidc.user:${AUTHORITY}:${CLIENT}`);
    assert(stored, 'oidc user in localStorage');
    assertEqual(JSON.parse(stored).id_token, token, 'id_token stored');
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    const input = page.getByLabel('Your question', { exact: true });
    await input.fill(RUNBOOK_QUESTION);
    await input.press('Enter');
    await page.getByTestId('answer-text').first().waitFor({ timeout: 60_000 });
    assert(seen.apiAuth.length > 0 && seen.apiAuth.every((h) => h === `Bearer ${token}`), 'every API call carries the id token');
    await harness.screenshot(page, 'cognito-signed-in');
  });

  await harness.test('renews the session silently with the refresh token', async () => {
    const deadline = Date.now() + 30_000;
    while (refreshed === 0 && Date.now() < deadline) await page.waitForTimeout(250);
    assert(refreshed > 0, 'a refresh_token grant was made');
    const renewal = seen.tokenRequests.find((r) => r.grant_type === 'refresh_token');
    assertEqual(renewal.refresh_token, 'e2e-refresh', 'the refresh token from sign-in');
    await page.waitForFunction(
      (key) => JSON.parse(localStorage.getItem(key) ?? '{}').access_token !== 'e2e-access-1',
      `oidc.user:${AUTHORITY}:${CLIENT}`,
    );
    assert(await page.getByText(claims.email).isVisible(), 'still signed in');
  });

  await harness.test('signs out through the hosted UI logout endpoint', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${HOSTED_UI}/logout**`);
    assertEqual(seen.logout.searchParams.get('client_id'), CLIENT, 'logout client_id');
    assertEqual(seen.logout.searchParams.get('logout_uri'), `${origin}/`, 'logout_uri is the site URL');
    await page.locator('#back').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('oidc.user')));
    assertEqual(keys, [], 'no user left in localStorage');
  });

  await harness.test("the Terraform Content-Security-Policy blocks nothing the site needs", async () => {
    assert(csp.includes("font-src 'self' data:"), csp);
    assert(!csp.includes('${'), `every reference filled in: ${csp}`);
    assertEqual(violations, [], 'CSP violations during sign-in, answers, renewal and sign-out');
    // The policy is in force: a connection it does not allow is refused and reported.
    await page.evaluate(() => fetch('https://not-allowed.example.com/').catch(() => null));
    const deadline = Date.now() + 5000;
    while (violations.length === 0 && Date.now() < deadline) await page.waitForTimeout(100);
    assert(violations.some((v) => v.includes('not-allowed.example.com')), 'a disallowed connection is refused by the CSP');
  });

  await context.close();
}
