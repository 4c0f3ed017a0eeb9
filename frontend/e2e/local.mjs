// The embedded product as a newcomer meets it: `make up`, open the URL, sign in with the printed token, ask.
import { readFileSync } from 'node:fs';
import { axeViolations } from './axe.mjs';
import { assert, assertEqual } from './harness.mjs';

export const RUNBOOK_QUESTION = 'How many total calls are in the database?';
const FOLLOW_UP = 'How many calls were inbound versus outbound?';
const DRILL_DOWN = 'Show calls with more than 20% non-talk time last week and their handle time.';

const number = (n) => new Intl.NumberFormat('en-US').format(n);

async function ask(page, question, label) {
  const answers = page.getByTestId('answer-text');
  const before = await answers.count();
  const input = page.getByLabel(label, { exact: true });
  await input.fill(question);
  await input.press('Enter');
  await answers.nth(before).waitFor({ timeout: 60_000 });
  return page.locator('li.pca-turn').nth(before);
}

export async function localSignInScenarios({ browser, origin, token, expectedCalls, harness }) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  const chatBodies = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/chat') chatBodies.push(request.postDataJSON());
  });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));

  await harness.test('signs in with the token `make up` printed', async () => {
    await page.goto(`${origin}/`);
    await page.getByLabel('Local token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The server did not accept that token').waitFor();
    await page.getByLabel('Local token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Ask your calls' }).waitFor();
    assertEqual(await page.evaluate(() => localStorage.getItem('pca.id_token')), token, 'stored token');
    await page.getByRole('list', { name: 'Suggested questions' }).waitFor();
  });

  let first;
  await harness.test("answers the runbook's question with DuckDB's count, the SQL, the table and the chart", async () => {
    first = await ask(page, RUNBOOK_QUESTION, 'Your question');
    const count = number(expectedCalls);
    assertEqual((await first.getByTestId('result-number').textContent()).trim(), count, 'number shown');
    const table = first.getByRole('table', { name: `Result of: ${RUNBOOK_QUESTION}` });
    assert(await table.getByText(count, { exact: true }).isVisible(), `table shows ${count}`);
    assert(
      (await first.getByRole('toolbar', { name: 'Chart type' }).getByRole('button', { name: 'Number' }).getAttribute('aria-pressed')) === 'true',
      'the suggested chart (a number) is selected',
    );
    await first.getByRole('button', { name: 'SQL' }).click();
    const sql = await first.getByLabel('SQL that ran').textContent();
    assert(/count\s*\(/i.test(sql) && /calls/i.test(sql), `SQL shown: ${sql}`);
    assert(await first.getByRole('button', { name: 'Copy SQL' }).isVisible(), 'copy button');
    assert(await first.getByRole('button', { name: /^Verified/ }).isVisible(), 'verified provenance badge');
    await page.waitForURL(/\/conversations\/[^/]+$/);
    await harness.screenshot(page, 'chat-answer');
  });

  let second;
  await harness.test('follows up in the same conversation with a bar chart that can be switched', async () => {
    second = await ask(page, FOLLOW_UP, 'Follow-up question');
    assertEqual(chatBodies.length, 2, 'two questions sent');
    assert(chatBodies[1].conversation_id && chatBodies[1].conversation_id === new URL(page.url()).pathname.split('/').pop(), 'follow-up carries the conversation id');
    const toolbar = second.getByRole('toolbar', { name: 'Chart type' });
    assertEqual(await toolbar.getByRole('button', { name: 'Bar' }).getAttribute('aria-pressed'), 'true', 'bar chart suggested');
    await second.locator('svg').first().waitFor();
    // The README's picture of the chat page: the follow-up with its SQL, chart and table.
    await second.getByRole('button', { name: 'SQL' }).click();
    await second.evaluate((el) => {
      el.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -64);
    });
    await page.mouse.move(0, 0);
    await harness.screenshot(page, 'chat-site', { fullPage: false });
    await toolbar.getByRole('button', { name: 'Line' }).click();
    assertEqual(await toolbar.getByRole('button', { name: 'Line' }).getAttribute('aria-pressed'), 'true', 'switched to line');
    await harness.screenshot(page, 'chat-follow-up');
  });

  await harness.test('downloads the result as CSV', async () => {
    const rows = await second.getByRole('table').getByRole('row').count();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      second.getByRole('button', { name: 'Download the result as CSV' }).click(),
    ]);
    assert(download.suggestedFilename().endsWith('.csv'), download.suggestedFilename());
    const text = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '');
    const lines = text.trimEnd().split('\r\n');
    assert(/direction/.test(lines[0]), `CSV header: ${lines[0]}`);
    assertEqual(lines.length, rows, 'CSV has a header and every row');
  });

  await harness.test('thumbs feedback is recorded', async () => {
    await second.getByRole('button', { name: 'Good answer' }).click();
    await second.getByText('marked as a good answer').waitFor();
  });

  let callId;
  await harness.test('opens a call from an answer row', async () => {
    const turn = await ask(page, DRILL_DOWN, 'Follow-up question');
    const link = turn.getByRole('link', { name: /^Open call / }).first();
    callId = (await link.textContent()).trim();
    await link.click();
    await page.waitForURL(`**/calls/${encodeURIComponent(callId)}`);
    await page.getByRole('heading', { name: `Call ${callId}` }).waitFor();
    await page.getByRole('heading', { name: 'Metrics' }).waitFor();
    await page.getByRole('heading', { name: /^Transcript/ }).waitFor();
    await page.getByRole('heading', { name: 'Sentiment by quarter of the call' }).waitFor();
    const turns = await page.getByRole('list', { name: 'Transcript' }).getByRole('listitem').count();
    assert(turns > 0, 'transcript turns shown');
    await harness.screenshot(page, 'call');
    await page.goBack();
    await page.getByRole('heading', { name: `Question: ${DRILL_DOWN}` }).waitFor();
    const history = page.getByRole('navigation', { name: 'Conversation history' });
    const here = new URL(page.url()).pathname;
    const entry = history.locator(`a[href="${here}"]`);
    assertEqual(await entry.getAttribute('aria-label'), `Open conversation: ${RUNBOOK_QUESTION}`, 'listed in the history');
  });

  await harness.test('opens the data dictionary', async () => {
    await page.getByRole('link', { name: 'Data dictionary' }).click();
    await page.getByRole('heading', { name: /^calls/ }).waitFor();
    await page.getByRole('table', { name: 'Columns of calls' }).getByText('direction', { exact: true }).waitFor();
    await page.getByLabel('Find a table or column').fill('sentiment_customer_q1');
    await page.getByRole('table', { name: 'Columns of calls' }).getByText('sentiment_customer_q1', { exact: true }).waitFor();
    await harness.screenshot(page, 'dictionary');
  });

  await harness.test('explains a failed answer and answers on retry', async () => {
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    let failures = 1;
    await page.route('**/api/chat', async (route) => {
      if (failures-- > 0) {
        await route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The query engine is busy.' }),
        });
      } else {
        await route.fallback();
      }
    });
    await page.getByLabel('Your question', { exact: true }).fill(RUNBOOK_QUESTION);
    await page.getByLabel('Your question', { exact: true }).press('Enter');
    await page.getByText('The service had a problem (503). The query engine is busy.').waitFor();
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByTestId('answer-text').first().waitFor();
    await page.unroute('**/api/chat');
  });

  await harness.test('works from the keyboard and on a tablet', async () => {
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Ask your calls' }).waitFor();
    await page.keyboard.press('Tab');
    assertEqual(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to content', 'first tab stop');
    await page.keyboard.press('Enter');
    assertEqual(await page.evaluate(() => document.activeElement?.id), 'main', 'skip link moves focus to the content');
    const tablet = await context.newPage();
    await tablet.setViewportSize({ width: 820, height: 1180 });
    await tablet.goto(`${origin}/`);
    await tablet.getByRole('heading', { name: 'Ask your calls' }).waitFor();
    const toggle = tablet.getByRole('button', { name: 'Open navigation' });
    assertEqual(await toggle.getAttribute('aria-expanded'), 'false', 'navigation folded on a tablet');
    const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `no sideways scrolling on a tablet (${overflow}px)`);
    const turn = await ask(tablet, FOLLOW_UP, 'Your question');
    await turn.getByRole('table').waitFor();
    const after = await tablet.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(after <= 0, `an answer fits a tablet (${after}px)`);
    await harness.screenshot(tablet, 'chat-tablet');
    await toggle.click();
    await tablet.getByRole('link', { name: 'Data dictionary' }).click();
    await tablet.getByRole('heading', { name: /^calls/ }).waitFor();
    await tablet.close();
  });

  await harness.test('passes an axe-core WCAG 2.1 AA audit (chat with an answer, dictionary, call)', async () => {
    const found = [];
    await page.goto(`${origin}/`);
    const turn = await ask(page, FOLLOW_UP, 'Your question');
    await turn.getByRole('button', { name: 'SQL' }).click();
    found.push(...(await axeViolations(page)).map((v) => `chat: ${v}`));
    await page.goto(`${origin}/dictionary`);
    await page.getByRole('heading', { name: /^calls/ }).waitFor();
    found.push(...(await axeViolations(page)).map((v) => `dictionary: ${v}`));
    if (callId) {
      await page.goto(`${origin}/calls/${encodeURIComponent(callId)}`);
      await page.getByRole('heading', { name: /^Transcript/ }).waitFor();
      found.push(...(await axeViolations(page)).map((v) => `call: ${v}`));
    }
    assertEqual(found, [], 'serious or critical accessibility violations');
  });

  await harness.test('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Local token').waitFor();
    assertEqual(await page.evaluate(() => localStorage.getItem('pca.id_token')), null, 'token removed');
    assertEqual(await axeViolations(page), [], 'accessibility of the sign-in page');
    assertEqual(pageErrors, [], 'no uncaught page errors');
  });

  await context.close();
}
