#!/usr/bin/env node
// Browser tests of the built chat site (dist/) against the embedded chat API, in Debian's Chromium driven by
// playwright-core. Needs a built warehouse (`pca up --no-serve`). Environment:
//   PCA        the pca command (default ../.venv/bin/pca)
//   PYTHON     Python with duckdb, to read the expected count (default ../.venv/bin/python)
//   PCA_DATA_DIR  where `pca up` built the warehouse (default ../data)
//   CHROMIUM   the browser (default /usr/bin/chromium)
//   SCREENSHOTS  folder for screenshots (default ../build/screenshots)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Harness } from './harness.mjs';
import { startServer } from './server.mjs';
import { localSignInScenarios } from './local.mjs';
import { cognitoScenarios } from './cognito.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, '..');
const repo = resolve(frontend, '..');
const dist = join(frontend, 'dist');
const pca = process.env.PCA ?? join(repo, '.venv', 'bin', 'pca');
const python = process.env.PYTHON ?? join(repo, '.venv', 'bin', 'python');
const dataDir = resolve(process.env.PCA_DATA_DIR ?? join(repo, 'data'));
const warehouse = join(dataDir, 'warehouse.duckdb');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const screenshots = resolve(process.env.SCREENSHOTS ?? join(repo, 'build', 'screenshots'));

for (const [what, path, fix] of [
  ['the built site', join(dist, 'index.html'), 'npm run build'],
  ['the warehouse', warehouse, 'make up (or .venv/bin/pca up --no-serve)'],
  ['Chromium', executablePath, 'apt-get install -y chromium'],
  ['pca', pca, 'make install'],
]) {
  if (!existsSync(path)) {
    console.error(`browser tests: ${what} is missing (${path}); run: ${fix}`);
    process.exit(2);
  }
}

// DuckDB's own count, read directly from the warehouse: the number the runbook's question must show.
const expectedCalls = Number(
  execFileSync(
    python,
    [
      '-c',
      'import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True).execute("select count(*) from post_call_analytics.calls").fetchone()[0])',
      warehouse,
    ],
    { encoding: 'utf8' },
  ).trim(),
);

// One token for both sign-ins: the embedded server accepts it as its local token, and the fake Cognito hands
// it out as the id_token (a JWT shape, as the hosted UI issues), so the API accepts what the browser sends.
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const claims = {
  sub: 'e2e-user-0001',
  email: 'analyst@example.com',
  'cognito:username': 'analyst',
  iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_E2ePool',
  aud: 'e2e-client',
  token_use: 'id',
  iat: now,
  exp: now + 3600,
};
const idToken = `${b64({ alg: 'RS256', kid: 'e2e' })}.${b64(claims)}.c2lnbmF0dXJl`;

const harness = new Harness(screenshots);
const server = await startServer({ pca, token: idToken, staticDir: dist, env: { PCA_DATA_DIR: dataDir } });
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
console.log(`browser tests: ${server.origin} (Chromium ${browser.version()}), DuckDB counts ${expectedCalls} calls`);
try {
  const context = { browser, origin: server.origin, token: idToken, claims, expectedCalls, harness, screenshots };
  context.csp = readFileSync(join(repo, 'terraform', 'modules', 'frontend', 'main.tf'), 'utf8');
  await localSignInScenarios(context);
  await cognitoScenarios(context);
} finally {
  await browser.close();
  await server.stop();
}
process.exit(harness.summary() ? 0 : 1);
