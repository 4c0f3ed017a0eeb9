import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { explainError } from '../api/client';
import { useApi } from '../api/ApiContext';

export function Feedback({ messageId }: { messageId: string }) {
  const api = useApi();
  const [rating, setRating] = useState<'up' | 'down' | null>(null);
  const [comment, setComment] = useState('');
  const [askComment, setAskComment] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(value: 'up' | 'down', text?: string) {
    setBusy(true);
    setStatus(null);
    try {
      await api.feedback({ message_id: messageId, rating: value, comment: text ? text : null });
      setRating(value);
      setStatus(value === 'up' ? 'Thanks — marked as a good answer.' : 'Thanks — this answer will be reviewed.');
      setAskComment(value === 'down' && !text);
    } catch (error) {
      setStatus(`Feedback not saved: ${explainError(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <SpaceBetween size="xs">
      <SpaceBetween direction="horizontal" size="xs" alignItems="center">
        <Box variant="small" color="text-body-secondary">
          Was this helpful?
        </Box>
        <Button
          variant="icon"
          iconName={rating === 'up' ? 'thumbs-up-filled' : 'thumbs-up'}
          ariaLabel="Good answer"
          disabled={busy}
          onClick={() => void send('up')}
        />
        <Button
          variant="icon"
          iconName={rating === 'down' ? 'thumbs-down-filled' : 'thumbs-down'}
          ariaLabel="Bad answer"
          disabled={busy}
          onClick={() => void send('down')}
        />
        {status && (
          <Box variant="small" color="text-body-secondary">
            <span role="status">{status}</span>
          </Box>
        )}
      </SpaceBetween>
      {askComment && (
        <SpaceBetween size="xs">
          <Textarea
            value={comment}
            onChange={({ detail }) => setComment(detail.value)}
            placeholder="What was wrong? (optional)"
            ariaLabel="What was wrong with the answer"
            rows={2}
          />
          <Button disabled={busy || !comment.trim()} onClick={() => void send('down', comment.trim())}>
            Send comment
          </Button>
        </SpaceBetween>
      )}
    </SpaceBetween>
  );
}
