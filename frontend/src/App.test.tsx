import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { LOCAL_TOKEN_KEY } from './auth/AuthProvider';
import { createFakeApi, type FakeApiOptions } from './test/fakeApi';

const CONFIG = { apiUrl: 'http://api.test/api/', cognito: null };
const QUESTION = 'How many total calls are in the database?';

function start(options: FakeApiOptions = {}, signedIn = true) {
  const fake = createFakeApi(options);
  vi.stubGlobal('fetch', fake.fetchFn);
  if (signedIn) window.localStorage.setItem(LOCAL_TOKEN_KEY, 'good-token');
  const user = userEvent.setup();
  render(<App config={CONFIG} />);
  return { fake, user };
}

describe('local sign-in', () => {
  it('checks the pasted token with the API before keeping it', async () => {
    const { fake, user } = start({}, false);
    const input = await screen.findByLabelText('Local token');
    await user.type(input, 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText(/did not accept that token/)).toBeInTheDocument();
    expect(window.localStorage.getItem(LOCAL_TOKEN_KEY)).toBeNull();

    await user.clear(input);
    await user.type(input, 'good-token');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Ask your calls' })).toBeInTheDocument();
    expect(window.localStorage.getItem(LOCAL_TOKEN_KEY)).toBe('good-token');
    expect(fake.requests.filter((r) => r.path === '/suggestions').map((r) => r.authorization)).toContain('Bearer wrong');
  });

  it('signs in from a #token= link and removes the token from the address bar', async () => {
    window.history.replaceState(null, '', '/#token=good-token');
    start({}, false);
    expect(await screen.findByRole('heading', { name: 'Ask your calls' })).toBeInTheDocument();
    expect(window.location.hash).toBe('');
  });

  it('returns to the sign-in page when the API rejects the stored token, and signs out', async () => {
    window.localStorage.setItem(LOCAL_TOKEN_KEY, 'expired');
    const fake = createFakeApi();
    vi.stubGlobal('fetch', fake.fetchFn);
    render(<App config={CONFIG} />);
    expect(await screen.findByText(/expired or was not accepted/)).toBeInTheDocument();
    expect(screen.getByLabelText('Local token')).toBeInTheDocument();
  });
});

describe('chat', () => {
  it('answers a starter question with the answer, provenance, SQL, number and table', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: QUESTION }));
    expect(await screen.findByText('There are 3,000 calls in the database.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Verified by analytics-team on .*Details/ })).toBeInTheDocument();
    expect(screen.getByText('SELECT COUNT(*) AS total_calls FROM calls')).toBeInTheDocument();
    expect(screen.getByTestId('result-number')).toHaveTextContent('3,000');
    const table = screen.getByRole('table', { name: `Result of: ${QUESTION}` });
    expect(within(table).getByText('3,000')).toBeInTheDocument();
    await waitFor(() => expect(window.location.pathname).toBe('/conversations/conv-1'));
  });

  it('keeps the conversation for a follow-up and draws the suggested bar chart, switchable', async () => {
    const { fake, user } = start();
    await user.type(await screen.findByLabelText('Your question'), `${QUESTION}{Enter}`);
    await screen.findByText('There are 3,000 calls in the database.');
    await user.click(screen.getByRole('button', { name: 'How many calls were inbound vs outbound?' }));
    expect(await screen.findByText('Calls by direction.')).toBeInTheDocument();
    const chats = fake.requests.filter((r) => r.path === '/chat');
    expect(chats[1]!.body).toEqual({ question: 'How many calls were inbound vs outbound?', conversation_id: 'conv-1' });
    const chartType = screen.getAllByRole('toolbar', { name: 'Chart type' }).at(-1)!;
    expect(within(chartType).getByRole('button', { name: 'Bar' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(within(chartType).getByRole('button', { name: 'Line' }));
    expect(within(chartType).getByRole('button', { name: 'Line' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows progress through the 202 → poll path', async () => {
    const { user } = start({ pendingPolls: 1 });
    await user.click(await screen.findByRole('button', { name: QUESTION }));
    expect(await screen.findByText(/Still working/)).toBeInTheDocument();
    expect(await screen.findByText('There are 3,000 calls in the database.', {}, { timeout: 5000 })).toBeInTheDocument();
  });

  it('explains an error and answers on retry', async () => {
    const { user } = start({ failOnce: { [QUESTION]: 503 } });
    await user.click(await screen.findByRole('button', { name: QUESTION }));
    expect(await screen.findByText(/The service had a problem \(503\)\. The query engine is not available\./)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('There are 3,000 calls in the database.')).toBeInTheDocument();
    expect(screen.queryByText(/The service had a problem/)).not.toBeInTheDocument();
  });

  it('records thumbs feedback for the answer', async () => {
    const { fake, user } = start();
    await user.click(await screen.findByRole('button', { name: QUESTION }));
    await user.click(await screen.findByRole('button', { name: 'Good answer' }));
    expect(await screen.findByText(/marked as a good answer/)).toBeInTheDocument();
    expect(fake.requests.find((r) => r.path === '/feedback')!.body).toEqual({
      message_id: 'm-2',
      rating: 'up',
      comment: null,
    });
  });

  it('lists past conversations, reopens and deletes them', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: QUESTION }));
    await screen.findByText('There are 3,000 calls in the database.');
    const history = screen.getByRole('navigation', { name: 'Conversation history' });
    const link = await within(history).findByRole('link', { name: `Open conversation: ${QUESTION}` });
    await user.click(screen.getByRole('button', { name: 'New conversation' }));
    expect(window.location.pathname).toBe('/');
    expect(screen.queryByText('There are 3,000 calls in the database.')).not.toBeInTheDocument();
    await user.click(link);
    expect(await screen.findByText('There are 3,000 calls in the database.')).toBeInTheDocument();
    await user.click(within(history).getByRole('button', { name: `Delete conversation: ${QUESTION}` }));
    await waitFor(() => expect(within(history).getByText('No conversations yet.')).toBeInTheDocument());
    expect(window.location.pathname).toBe('/');
  });
});

describe('opening a conversation by its address', () => {
  it('loads its turns from the API (a reload or the back button)', async () => {
    const fake = createFakeApi();
    await fake.fetchFn('http://api.test/api/chat', {
      method: 'POST',
      headers: { Authorization: 'Bearer good-token' },
      body: JSON.stringify({ question: QUESTION }),
    });
    const [id] = [...fake.conversations.keys()];
    window.history.replaceState(null, '', `/conversations/${id}`);
    vi.stubGlobal('fetch', fake.fetchFn);
    window.localStorage.setItem(LOCAL_TOKEN_KEY, 'good-token');
    render(<App config={CONFIG} />);
    expect(await screen.findByText('There are 3,000 calls in the database.')).toBeInTheDocument();
    expect(screen.getByLabelText('Follow-up question')).toBeInTheDocument();
  });
});

describe('pages', () => {
  it('opens the data dictionary and filters it', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('link', { name: 'Data dictionary' }));
    expect(await screen.findByRole('heading', { name: /^calls/ })).toBeInTheDocument();
    expect(screen.getByText('Length of the call. (seconds)')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Find a table or column'), 'agent_name');
    await waitFor(() => expect(screen.queryByRole('heading', { name: /^calls/ })).not.toBeInTheDocument());
    expect(screen.getByRole('heading', { name: /^agents/ })).toBeInTheDocument();
  });

  it('shows a call: metrics, categories, insights, scorecard answers and transcript', async () => {
    window.history.replaceState(null, '', '/calls/c-1');
    start();
    expect(await screen.findByRole('heading', { name: /Call c-1/ })).toBeInTheDocument();
    expect(await screen.findByText('Ana Lima')).toBeInTheDocument();
    expect(screen.getByText('312 s')).toBeInTheDocument();
    expect(screen.getByText('billing-dispute')).toBeInTheDocument();
    const insights = screen.getByRole('list', { name: 'Insights' });
    expect(within(insights).getByText('Charged twice for one order')).toBeInTheDocument();
    expect(within(insights).getByText('Refund the second charge')).toBeInTheDocument();
    expect(screen.getByText('Greeted the customer?')).toBeInTheDocument();
    const transcript = screen.getByRole('list', { name: 'Transcript' });
    expect(within(transcript).getByText('I was charged twice.')).toBeInTheDocument();
    expect(within(transcript).getByText(/Customer 1:05/)).toBeInTheDocument();
  });

  it('says plainly when a call does not exist', async () => {
    window.history.replaceState(null, '', '/calls/missing');
    start();
    expect(await screen.findByText('No call with that id.')).toBeInTheDocument();
  });
});
