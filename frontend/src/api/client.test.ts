import { describe, expect, it, vi } from 'vitest';
import { createFakeApi } from '../test/fakeApi';
import { ApiClient, ApiError, explainError } from './client';

const BASE = 'http://api.test/api/';

function client(fake: ReturnType<typeof createFakeApi>, extra: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  return new ApiClient({ baseUrl: BASE, getToken: () => 'good-token', fetchFn: fake.fetchFn as typeof fetch, ...extra });
}

describe('ApiClient', () => {
  it('sends the question as JSON with the bearer token, and the conversation id on a follow-up', async () => {
    const fake = createFakeApi();
    const api = client(fake);
    const first = await api.ask('How many total calls are in the database?');
    expect(first.rows).toEqual([[3000]]);
    await api.ask('And by direction?', { conversationId: first.conversation_id });
    expect(fake.requests.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['POST', '/chat', 'Bearer good-token'],
      ['POST', '/chat', 'Bearer good-token'],
    ]);
    expect(fake.requests[0]!.body).toEqual({ question: 'How many total calls are in the database?' });
    expect(fake.requests[1]!.body).toEqual({ question: 'And by direction?', conversation_id: first.conversation_id });
  });

  it('follows 202 → GET /chat/{job_id} until the answer is done, reporting progress', async () => {
    const fake = createFakeApi({ pendingPolls: 2 });
    const sleeps: number[] = [];
    const api = client(fake, { sleep: async (ms) => void sleeps.push(ms) });
    const progress = vi.fn();
    const reply = await api.ask('How many total calls are in the database?', { onProgress: progress });
    expect(reply.answer).toMatch(/3,000 calls/);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /chat',
      'GET /chat/job-2',
      'GET /chat/job-2',
      'GET /chat/job-2',
    ]);
    expect(progress).toHaveBeenCalledWith({ stage: 'queued', jobId: 'job-2', polls: 3 });
    expect(sleeps[0]).toBe(1000);
    expect(sleeps[2]!).toBeGreaterThan(sleeps[0]!);
  });

  it('turns a failed job into an error that says why', async () => {
    const fake = createFakeApi({ pendingPolls: 0, jobError: 'Athena stopped the query: it would scan more than 1 GB.' });
    const api = client(fake, { sleep: async () => {} });
    const error = await api.ask('How many total calls are in the database?').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(explainError(error)).toBe(
      'The answer could not be finished: Athena stopped the query: it would scan more than 1 GB.',
    );
  });

  it('gives up polling after the longest wait', async () => {
    const fake = createFakeApi({ pendingPolls: 1000 });
    let clock = 0;
    const api = client(fake, { sleep: async (ms) => void (clock += ms), now: () => clock });
    const error = await api.ask('q', { maxWaitMs: 10_000 }).catch((e: unknown) => e);
    expect((error as ApiError).kind).toBe('timeout');
  });

  it('reads problem details, and a 401 tells the sign-in', async () => {
    const fake = createFakeApi();
    const onUnauthorized = vi.fn();
    const api = client(fake, { getToken: () => 'stale', onUnauthorized });
    const error = (await api.schema().catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(error.detail).toBe('Missing or invalid token.');
    expect(onUnauthorized).toHaveBeenCalledOnce();
    const missing = (await client(fake).call('nope').catch((e: unknown) => e)) as ApiError;
    expect(missing.status).toBe(404);
    expect(missing.retryable).toBe(false);
    expect(explainError(missing)).toBe('No call with that id.');
  });

  it('explains an unreachable API in plain words and marks it retryable', async () => {
    const api = new ApiClient({
      baseUrl: BASE,
      getToken: () => 't',
      fetchFn: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    const error = (await api.suggestions().catch((e: unknown) => e)) as ApiError;
    expect(error.kind).toBe('network');
    expect(error.retryable).toBe(true);
    expect(explainError(error)).toMatch(/could not be reached/);
  });

  it('encodes ids in paths', async () => {
    const fake = createFakeApi();
    await client(fake).call('a/b c').catch(() => undefined);
    expect(fake.requests[0]!.path).toBe('/calls/a%2Fb%20c');
  });
});
