// Typed client of the chat API: bearer token on every call, problem details turned into ApiError, and the
// 202 → GET /chat/{job_id} polling path behind one `ask` call.
import type {
  CallDetail,
  ChatAccepted,
  ChatJob,
  ChatReply,
  Conversation,
  ConversationList,
  FeedbackReceipt,
  FeedbackRequest,
  Problem,
  SchemaResponse,
  Suggestions,
} from './types';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly title: string,
    readonly detail: string | null = null,
    readonly kind: 'http' | 'network' | 'job' | 'timeout' = 'http',
  ) {
    super(message);
  }

  /** Worth trying again as is (not a bad question or a missing record). */
  get retryable(): boolean {
    return this.kind !== 'http' || this.status === 401 || this.status === 429 || this.status >= 500;
  }
}

/** A plain-words explanation of an error, for the person reading the page. */
export function explainError(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.kind) {
      case 'network':
        return 'The API could not be reached. Check your connection (or that the local server is still running) and try again.';
      case 'timeout':
        return 'The answer took too long. The question may be too broad; try again or narrow it down.';
      case 'job':
        return `The answer could not be finished: ${error.detail ?? error.message}`;
      default:
        break;
    }
    if (error.status === 401) return 'Your sign-in has expired or was not accepted. Sign in again, then retry.';
    if (error.status === 403) return 'You are not allowed to do this.';
    if (error.status === 404) return error.detail ?? 'Not found.';
    if (error.status === 413 || error.status === 422 || error.status === 400)
      return error.detail ?? `The request was not accepted: ${error.title}.`;
    if (error.status === 429) return 'Too many requests at once. Wait a few seconds, then retry.';
    if (error.status === 504) return 'The service timed out while answering. Try again in a moment.';
    if (error.status >= 500) return `The service had a problem (${error.status}). ${error.detail ?? ''}`.trim();
    return error.detail ?? error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export type AskProgress =
  | { stage: 'sending' }
  | { stage: 'queued'; jobId: string; polls: number };

export interface AskOptions {
  conversationId?: string | null;
  signal?: AbortSignal;
  onProgress?: (progress: AskProgress) => void;
  /** Give up polling after this long (ms). */
  maxWaitMs?: number;
}

export interface ApiClientOptions {
  baseUrl: string;
  getToken: () => Promise<string | null> | string | null;
  onUnauthorized?: () => void;
  fetchFn?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'));
      },
      { once: true },
    );
  });
}

export class ApiClient {
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: ApiClientOptions) {
    this.fetchFn = options.fetchFn ?? ((...args) => fetch(...args));
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? (() => Date.now());
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: T }> {
    const token = await this.options.getToken();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchFn(new URL(path, this.options.baseUrl).toString(), {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ?? null,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(`Could not reach ${this.options.baseUrl}`, 0, 'Network error', String(error), 'network');
    }
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!response.ok) {
      if (response.status === 401) this.options.onUnauthorized?.();
      const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<Problem> & { message?: string };
      const title = problem.title ?? response.statusText ?? 'Error';
      const detail = problem.detail ?? problem.message ?? null;
      throw new ApiError(`${response.status} ${title}${detail ? `: ${detail}` : ''}`, response.status, title, detail);
    }
    if (parsed === null) {
      throw new ApiError(`${method} ${path} returned no JSON body`, response.status, 'Bad response', text.slice(0, 200));
    }
    return { status: response.status, body: parsed as T };
  }

  /** POST /chat; on 202 poll GET /chat/{job_id} until the answer is done or failed. */
  async ask(question: string, options: AskOptions = {}): Promise<ChatReply> {
    const { signal, onProgress, maxWaitMs = 5 * 60_000 } = options;
    onProgress?.({ stage: 'sending' });
    const payload: { question: string; conversation_id?: string } = { question };
    if (options.conversationId) payload.conversation_id = options.conversationId;
    const first = await this.request<ChatReply | ChatAccepted>('POST', 'chat', payload, signal);
    if (first.status !== 202) return first.body as ChatReply;
    const accepted = first.body as ChatAccepted;
    const started = this.now();
    let delay = Math.max(0.5, accepted.retry_after_seconds ?? 1) * 1000;
    for (let polls = 1; ; polls++) {
      onProgress?.({ stage: 'queued', jobId: accepted.job_id, polls });
      await this.sleep(delay, signal);
      const job = await this.request<ChatJob>('GET', `chat/${encodeURIComponent(accepted.job_id)}`, undefined, signal);
      if (job.body.status === 'done' && job.body.reply) return job.body.reply;
      if (job.body.status === 'failed') {
        throw new ApiError('The job failed', 500, 'Job failed', job.body.error ?? 'No reason was given.', 'job');
      }
      if (this.now() - started > maxWaitMs) {
        throw new ApiError('Gave up waiting for the answer', 504, 'Timed out', null, 'timeout');
      }
      delay = Math.min(delay * 1.5, 5000);
    }
  }

  async conversations(signal?: AbortSignal): Promise<ConversationList> {
    return (await this.request<ConversationList>('GET', 'conversations', undefined, signal)).body;
  }

  async conversation(id: string, signal?: AbortSignal): Promise<Conversation> {
    return (await this.request<Conversation>('GET', `conversations/${encodeURIComponent(id)}`, undefined, signal))
      .body;
  }

  async deleteConversation(id: string): Promise<void> {
    await this.request('DELETE', `conversations/${encodeURIComponent(id)}`);
  }

  async feedback(body: FeedbackRequest): Promise<FeedbackReceipt> {
    return (await this.request<FeedbackReceipt>('POST', 'feedback', body)).body;
  }

  async schema(signal?: AbortSignal): Promise<SchemaResponse> {
    return (await this.request<SchemaResponse>('GET', 'schema', undefined, signal)).body;
  }

  async suggestions(signal?: AbortSignal): Promise<Suggestions> {
    return (await this.request<Suggestions>('GET', 'suggestions', undefined, signal)).body;
  }

  async call(callId: string, signal?: AbortSignal): Promise<CallDetail> {
    return (await this.request<CallDetail>('GET', `calls/${encodeURIComponent(callId)}`, undefined, signal)).body;
  }
}
