// An in-memory chat API for component tests: answers the routes the site calls, records every request.
import type { CallDetail, ChatReply, ConversationSummary, SchemaResponse } from '../api/types';

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
}

export interface FakeApiOptions {
  token?: string;
  /** POST /chat answers 202 this many polls before the job is done. */
  pendingPolls?: number;
  /** Replies to fail once each (by question) with this HTTP status. */
  failOnce?: Record<string, number>;
  jobError?: string;
}

export function reply(question: string, conversationId: string, n: number): ChatReply {
  const total = /total calls/i.test(question);
  return {
    conversation_id: conversationId,
    message_id: `m-${n}`,
    question,
    answer: total ? 'There are 3,000 calls in the database.' : 'Calls by direction.',
    refused: false,
    sql: total ? 'SELECT COUNT(*) AS total_calls FROM calls' : 'SELECT direction, COUNT(*) AS calls FROM calls GROUP BY 1',
    columns: total ? ['total_calls'] : ['direction', 'calls'],
    rows: total ? [[3000]] : [
      ['INBOUND', 1800],
      ['OUTBOUND', 1200],
    ],
    total_rows: total ? 1 : 2,
    truncated: false,
    chart: total ? { kind: 'number', x: null, y: ['total_calls'] } : { kind: 'bar', x: 'direction', y: ['calls'] },
    provenance: {
      answerer: 'verified',
      verified_query: total ? 'total_calls' : 'calls_by_direction',
      verified_question: question,
      verified_by: 'analytics-team',
      verified_at: '2026-10-01',
      confidence: 0.97,
    },
    suggestions: ['How many calls were inbound vs outbound?'],
    created_at: '2026-11-30T12:00:00.000Z',
  };
}

export const SCHEMA: SchemaResponse = {
  database: 'post_call_analytics',
  tables: [
    {
      name: 'calls',
      description: 'One row per call.',
      primary_key: ['call_id'],
      columns: [
        { name: 'call_id', data_type: 'varchar', description: 'The call.', examples: ['c-1'] },
        { name: 'direction', data_type: 'varchar', description: 'INBOUND or OUTBOUND.', examples: ['INBOUND'] },
        { name: 'duration_seconds', data_type: 'double', description: 'Length of the call.', unit: 'seconds' },
      ],
    },
    {
      name: 'agents',
      description: 'One row per agent.',
      primary_key: ['agent_id'],
      columns: [{ name: 'agent_name', data_type: 'varchar', description: 'Display name.' }],
    },
  ],
};

export const CALL: CallDetail = {
  call_id: 'c-1',
  call: {
    call_id: 'c-1',
    direction: 'INBOUND',
    duration_seconds: 312,
    agent_name: 'Ana Lima',
    sentiment_agent_q1: 1.5,
    sentiment_agent_q2: 2,
    sentiment_agent_q3: 2.5,
    sentiment_agent_q4: 3,
    sentiment_customer_q1: -2,
    sentiment_customer_q2: -1,
    sentiment_customer_q3: 0.5,
    sentiment_customer_q4: 1,
    categories: 'billing-dispute, long-silence',
    summary_topic: 'Billing',
    summary_text: 'Customer disputed a charge.',
  },
  insights: [
    { call_id: 'c-1', insight_position: 1, insight_type: 'ISSUE', insight_text: 'Charged twice for one order' },
    { call_id: 'c-1', insight_position: 2, insight_type: 'ACTION_ITEM', insight_text: 'Refund the second charge' },
  ],
  scorecards: [
    {
      evaluation: { evaluation_id: 'e-1', form_name: 'Quality v2', score_percent: 88 },
      answers: [{ question_text: 'Greeted the customer?', answer: 'Yes', score: 5 }],
    },
  ],
  transcript: [
    { participant: 'AGENT', text: 'Thank you for calling.', begin_offset_ms: 0, end_offset_ms: 1500, sentiment: 'NEUTRAL' },
    { participant: 'CUSTOMER', text: 'I was charged twice.', begin_offset_ms: 65000, end_offset_ms: 67000, sentiment: 'NEGATIVE' },
  ],
};

export function createFakeApi(options: FakeApiOptions = {}) {
  const token = options.token ?? 'good-token';
  const requests: Recorded[] = [];
  const conversations = new Map<string, { summary: ConversationSummary; messages: ChatReply[] }>();
  const jobs = new Map<string, { polls: number; reply: ChatReply }>();
  const failOnce = { ...(options.failOnce ?? {}) };
  let counter = 0;

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const problem = (status: number, title: string, detail: string) =>
    new Response(JSON.stringify({ type: 'about:blank', title, status, detail }), {
      status,
      headers: { 'Content-Type': 'application/problem+json' },
    });

  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    // Answer asynchronously and honour aborts, as a browser's fetch does.
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (init.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
    const path = url.pathname.replace(/^\/api/, '');
    requests.push({ method, path, body, authorization: headers.get('Authorization') });
    if (headers.get('Authorization') !== `Bearer ${token}`) return problem(401, 'Unauthorized', 'Missing or invalid token.');

    if (method === 'POST' && path === '/chat') {
      const question = String(body.question);
      if (failOnce[question]) {
        const status = failOnce[question];
        delete failOnce[question];
        return problem(status, 'Internal Server Error', 'The query engine is not available.');
      }
      const id = body.conversation_id ?? `conv-${++counter}`;
      const answer = reply(question, id, ++counter);
      const entry = conversations.get(id) ?? {
        summary: { conversation_id: id, title: question, created_at: answer.created_at, updated_at: answer.created_at, message_count: 0 },
        messages: [] as ChatReply[],
      };
      entry.messages.push(answer);
      entry.summary.message_count = entry.messages.length;
      conversations.set(id, entry);
      if (options.pendingPolls !== undefined) {
        const jobId = `job-${counter}`;
        jobs.set(jobId, { polls: 0, reply: answer });
        return json(202, { job_id: jobId, conversation_id: id, status: 'pending', retry_after_seconds: 1 });
      }
      return json(200, answer);
    }
    const job = /^\/chat\/(.+)$/.exec(path);
    if (method === 'GET' && job) {
      const entry = jobs.get(job[1]!);
      if (!entry) return problem(404, 'Not Found', 'No such job.');
      entry.polls += 1;
      const base = { job_id: job[1], conversation_id: entry.reply.conversation_id, created_at: entry.reply.created_at };
      if (entry.polls <= (options.pendingPolls ?? 0)) return json(200, { ...base, status: 'pending' });
      if (options.jobError) return json(200, { ...base, status: 'failed', error: options.jobError });
      return json(200, { ...base, status: 'done', reply: entry.reply, finished_at: entry.reply.created_at });
    }
    if (method === 'GET' && path === '/conversations') {
      return json(200, { conversations: [...conversations.values()].map((c) => c.summary).reverse() });
    }
    const conv = /^\/conversations\/(.+)$/.exec(path);
    if (conv) {
      const entry = conversations.get(conv[1]!);
      if (!entry) return problem(404, 'Not Found', 'No such conversation.');
      if (method === 'DELETE') {
        conversations.delete(conv[1]!);
        return json(200, { conversation_id: conv[1], deleted: true });
      }
      return json(200, { ...entry.summary, messages: entry.messages });
    }
    if (method === 'POST' && path === '/feedback') {
      return json(200, { message_id: body.message_id, rating: body.rating, recorded_at: '2026-11-30T12:00:00Z' });
    }
    if (method === 'GET' && path === '/suggestions') {
      return json(200, { questions: ['How many total calls are in the database?', 'How many calls were inbound vs outbound?'] });
    }
    if (method === 'GET' && path === '/schema') return json(200, SCHEMA);
    if (method === 'GET' && path === '/calls/c-1') return json(200, CALL);
    if (method === 'GET' && path.startsWith('/calls/')) return problem(404, 'Not Found', 'No call with that id.');
    return problem(404, 'Not Found', `No route ${method} ${path}`);
  };

  return { fetchFn, requests, conversations };
}
