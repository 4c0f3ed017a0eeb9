import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import LiveRegion from '@cloudscape-design/components/live-region';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Textarea from '@cloudscape-design/components/textarea';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/ApiContext';
import { explainError, type AskProgress } from '../api/client';
import type { ChatReply } from '../api/types';
import { navigate, pathFor } from '../router';

// An answer's card (table, chart switch, SQL, feedback) is fetched once the page is up, before any answer.
const loadAnswerCard = () => import('./AnswerCard');
const AnswerCard = lazy(loadAnswerCard);

export const MAX_QUESTION_CHARS = 1000;

interface Turn {
  key: string;
  question: string;
  reply?: ChatReply;
  error?: unknown;
}

interface Props {
  conversationId: string | null;
  /** A conversation was created or grew: the history list refreshes. */
  onConversationChanged?: () => void;
}

let turnCounter = 0;
const nextKey = () => `turn-${++turnCounter}`;

export function progressText(progress: AskProgress | null, seconds: number): string {
  if (!progress || progress.stage === 'sending') {
    return seconds < 3 ? 'Finding the right query…' : `Running the query… ${seconds} s`;
  }
  return `Still working — a longer answer is being prepared (${seconds} s). You can keep this page open.`;
}

export function ChatPage({ conversationId, onConversationChanged }: Props) {
  const api = useApi();
  const [turns, setTurns] = useState<Turn[]>([]);
  // The conversation whose turns are on the page (null: a new one). Opening the page at
  // /conversations/{id} differs from it, so the effect below loads that conversation.
  const shown = useRef<string | null>(null);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<AskProgress | null>(null);
  const [seconds, setSeconds] = useState(0);
  const [starters, setStarters] = useState<string[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const bottom = useRef<HTMLDivElement | null>(null);

  // Opening a conversation from the history (or the address bar) loads its turns.
  useEffect(() => {
    if (conversationId === shown.current) return;
    abort.current?.abort();
    shown.current = conversationId;
    setTurns([]);
    setLoadError(null);
    if (!conversationId) return;
    const controller = new AbortController();
    setLoading(true);
    api
      .conversation(conversationId, controller.signal)
      .then((conversation) =>
        setTurns(conversation.messages.map((reply) => ({ key: nextKey(), question: reply.question, reply }))),
      )
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLoadError(error);
      })
      .finally(() => setLoading(false));
    return () => controller.abort();
  }, [api, conversationId]);

  useEffect(() => {
    void loadAnswerCard();
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    api
      .suggestions(controller.signal)
      .then((s) => setStarters(s.questions))
      .catch(() => setStarters([]));
    return () => controller.abort();
  }, [api]);

  useEffect(() => {
    if (!busy) return;
    const started = Date.now();
    setSeconds(0);
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [busy]);

  const run = useCallback(
    async (question: string, replaceKey?: string) => {
      const text = question.trim();
      if (!text || busy) return;
      const key = replaceKey ?? nextKey();
      setTurns((all) =>
        replaceKey ? all.map((t) => (t.key === key ? { key, question: text } : t)) : [...all, { key, question: text }],
      );
      setDraft('');
      setBusy(true);
      setProgress(null);
      const controller = new AbortController();
      abort.current = controller;
      try {
        const previous = shown.current;
        const reply = await api.ask(text, { conversationId: previous, signal: controller.signal, onProgress: setProgress });
        setTurns((all) => all.map((t) => (t.key === key ? { key, question: text, reply } : t)));
        if (reply.conversation_id !== previous) {
          shown.current = reply.conversation_id;
          navigate(pathFor({ page: 'chat', conversationId: reply.conversation_id }), { replace: previous === null });
        }
        onConversationChanged?.();
      } catch (error) {
        if (controller.signal.aborted) return;
        setTurns((all) => all.map((t) => (t.key === key ? { key, question: text, error } : t)));
      } finally {
        setBusy(false);
        setProgress(null);
        requestAnimationFrame?.(() => bottom.current?.scrollIntoView?.({ block: 'end', behavior: 'smooth' }));
      }
    },
    [api, busy, onConversationChanged],
  );

  const tooLong = draft.length > MAX_QUESTION_CHARS;

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description="Ask about calls, agents, queues, sentiment and QA scores. Every answer shows the SQL behind it."
          actions={
            turns.length > 0 && (
              <Button iconName="add-plus" disabled={busy} onClick={() => navigate('/')}>
                New conversation
              </Button>
            )
          }
        >
          Ask your calls
        </Header>
      }
    >
      <SpaceBetween size="l">
        {loading && <StatusIndicator type="loading">Loading the conversation…</StatusIndicator>}
        {loadError != null && (
          <Alert type="error" header="The conversation could not be opened">
            {explainError(loadError)}
          </Alert>
        )}
        {turns.length === 0 && !loading && !loadError && (
          <Container header={<Header variant="h2">Try one of these</Header>}>
            {starters === null ? (
              <Spinner />
            ) : starters.length === 0 ? (
              <Box>Type a question below.</Box>
            ) : (
              <ul className="pca-starters" aria-label="Suggested questions">
                {starters.map((question) => (
                  <li key={question}>
                    <Button variant="normal" onClick={() => void run(question)} disabled={busy}>
                      {question}
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </Container>
        )}
        <ol className="pca-thread" aria-label="Conversation">
          {turns.map((turn) => (
            <li key={turn.key} className="pca-turn">
              <SpaceBetween size="s">
                <div className="pca-question">
                  <Box variant="h2" tagOverride="h2" fontSize="heading-s">
                    <span className="pca-visually-hidden">Question: </span>
                    {turn.question}
                  </Box>
                </div>
                {turn.reply && (
                  <Suspense fallback={<Spinner />}>
                    <AnswerCard reply={turn.reply} onAsk={(q) => void run(q)} busy={busy} />
                  </Suspense>
                )}
                {turn.error != null && (
                  <Alert
                    type="error"
                    header="No answer"
                    action={
                      <Button onClick={() => void run(turn.question, turn.key)} disabled={busy}>
                        Retry
                      </Button>
                    }
                  >
                    {explainError(turn.error)}
                  </Alert>
                )}
                {!turn.reply && turn.error == null && (
                  <LiveRegion>
                    <StatusIndicator type="loading">{progressText(progress, seconds)}</StatusIndicator>
                  </LiveRegion>
                )}
              </SpaceBetween>
            </li>
          ))}
        </ol>
        <div ref={bottom} />
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!tooLong) void run(draft);
          }}
        >
          <FormField
            label={turns.length ? 'Follow-up question' : 'Your question'}
            constraintText={`${draft.length}/${MAX_QUESTION_CHARS} characters. Enter sends, Shift+Enter starts a new line.`}
            errorText={tooLong ? `Questions are limited to ${MAX_QUESTION_CHARS} characters.` : undefined}
            stretch
          >
            <SpaceBetween size="xs">
              <Textarea
                value={draft}
                onChange={({ detail }) => setDraft(detail.value)}
                onKeyDown={(event) => {
                  const { detail } = event;
                  if (detail.key === 'Enter' && !detail.shiftKey && !detail.isComposing) {
                    // Submitted here; a textarea does not submit its form.
                    event.preventDefault();
                    if (!tooLong) void run(draft);
                  }
                }}
                placeholder="e.g. How many total calls are in the database?"
                ariaLabel={turns.length ? 'Follow-up question' : 'Your question'}
                rows={2}
                disabled={busy}
              />
              <Button variant="primary" formAction="submit" iconName="send" disabled={busy || !draft.trim() || tooLong}>
                Ask
              </Button>
            </SpaceBetween>
          </FormField>
        </form>
      </SpaceBetween>
    </ContentLayout>
  );
}
