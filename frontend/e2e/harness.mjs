// A small sequential test harness for the browser tests: named steps, a summary line, screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export class Harness {
  constructor(screenshotDir) {
    this.screenshotDir = screenshotDir;
    this.passed = 0;
    this.failed = 0;
    this.failures = [];
    mkdirSync(screenshotDir, { recursive: true });
  }

  async test(name, fn) {
    const started = Date.now();
    try {
      await fn();
      this.passed += 1;
      console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      this.failed += 1;
      this.failures.push({ name, error });
      console.log(`  ✗ ${name}\n      ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n      ')}`);
    }
  }

  async screenshot(page, name, { fullPage = true } = {}) {
    const path = join(this.screenshotDir, `${name}.png`);
    await page.screenshot({ path, fullPage });
    return path;
  }

  summary() {
    console.log(`\nbrowser tests: ${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0;
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

export function assertEqual(actual, expected, message) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
