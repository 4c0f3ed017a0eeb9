#!/usr/bin/env node
// Bundle budget: the JavaScript a first visit downloads (the entry chunk and everything it imports
// statically, per Vite's manifest) must stay within BUDGET_KB kilobytes gzip. Chunks loaded on demand
// later (charts, the answer card, the dictionary and call pages) are listed but not counted. The Cognito
// client is loaded at start-up whenever a user pool is configured, so it counts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB ?? 250);
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => (bytes / 1000).toFixed(1);

const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
if (entries.length !== 1) throw new Error(`expected one entry chunk, found ${entries.length}`);

const firstLoad = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || firstLoad.has(chunk.file)) return;
  firstLoad.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entries[0][0]);
const STARTUP = ['src/auth/cognito.ts'];
for (const key of STARTUP) {
  if (!manifest[key]) throw new Error(`${key} is not a chunk of its own any more; update STARTUP`);
  visit(key);
}

const allJs = new Set(Object.values(manifest).map((c) => c.file).filter((f) => f.endsWith('.js')));
let total = 0;
console.log('first load (counted):');
for (const file of [...firstLoad].sort()) {
  const size = gz(file);
  total += size;
  console.log(`  ${file.padEnd(48)} ${kb(size).padStart(7)} kB gzip`);
}
console.log('on demand (not counted):');
for (const file of [...allJs].filter((f) => !firstLoad.has(f)).sort()) {
  console.log(`  ${file.padEnd(48)} ${kb(gz(file)).padStart(7)} kB gzip`);
}
const verdict = total <= BUDGET_KB * 1000;
console.log(`first-load JavaScript: ${kb(total)} kB gzip of a ${BUDGET_KB} kB budget — ${verdict ? 'within' : 'OVER'} budget`);
process.exit(verdict ? 0 : 1);
