import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiContext';
import { explainError } from '../api/client';
import type { ConversationSummary } from '../api/types';
import { linkProps, navigate, pathFor } from '../router';
import { formatDate } from '../shared/format';

interface Props {
  activeId: string | null;
  /** Changes whenever the list should be read again. */
  version: number;
  /** Called after a conversation is opened from the list. */
  onNavigate?: () => void;
}

export function History({ activeId, version, onNavigate }: Props) {
  const api = useApi();
  const [items, setItems] = useState<ConversationSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api
      .conversations(controller.signal)
      .then((list) => {
        setItems(list.conversations);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(explainError(err));
      });
    return () => controller.abort();
  }, [api, version]);

  async function remove(id: string) {
    try {
      await api.deleteConversation(id);
      setItems((all) => all?.filter((c) => c.conversation_id !== id) ?? null);
      if (id === activeId) navigate('/');
    } catch (err) {
      setError(explainError(err));
    }
  }

  return (
    <nav aria-label="Conversation history" className="pca-history">
      <SpaceBetween size="s">
        <Box variant="h2" fontSize="heading-s">
          History
        </Box>
        {error && <StatusIndicator type="error">{error}</StatusIndicator>}
        {items === null && !error && <StatusIndicator type="loading">Loading…</StatusIndicator>}
        {items?.length === 0 && <Box color="text-body-secondary">No conversations yet.</Box>}
        {items && items.length > 0 && (
          <ul>
            {items.map((c) => {
              const path = pathFor({ page: 'chat', conversationId: c.conversation_id });
              return (
                <li key={c.conversation_id} className={c.conversation_id === activeId ? 'pca-active' : undefined}>
                  <div className="pca-history-item">
                    <Link
                      href={path}
                      onFollow={(event) => {
                        linkProps(path).onFollow(event);
                        onNavigate?.();
                      }}
                      ariaLabel={`Open conversation: ${c.title}`}>
                      {c.title}
                    </Link>
                    <Button
                      variant="inline-icon"
                      iconName="remove"
                      ariaLabel={`Delete conversation: ${c.title}`}
                      onClick={() => void remove(c.conversation_id)}
                    />
                  </div>
                  <Box variant="small" color="text-body-secondary">
                    {formatDate(c.updated_at)} · {c.message_count} {c.message_count === 1 ? 'answer' : 'answers'}
                  </Box>
                </li>
              );
            })}
          </ul>
        )}
      </SpaceBetween>
    </nav>
  );
}
