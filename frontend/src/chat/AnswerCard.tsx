import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ChatReply } from '../api/types';
import { Feedback } from './Feedback';
import { ProvenanceBadge } from './Provenance';
import { ResultChart } from './ResultChart';
import { ResultTable } from './ResultTable';

interface Props {
  reply: ChatReply;
  onAsk: (question: string) => void;
  busy: boolean;
}

export default function AnswerCard({ reply, onAsk, busy }: Props) {
  const columns = reply.columns ?? [];
  const rows = reply.rows ?? [];
  return (
    <Container>
      <SpaceBetween size="m">
        <SpaceBetween direction="horizontal" size="xs" alignItems="center">
          <ProvenanceBadge provenance={reply.provenance} />
          {reply.refused && <Box color="text-status-warning">No answer yet</Box>}
        </SpaceBetween>
        <Box variant="p" className="pca-answer-text" data-testid="answer-text">
          {reply.answer}
        </Box>
        {reply.sql && (
          <ExpandableSection headerText="SQL" variant="footer" headingTagOverride="h3">
            <SpaceBetween size="xs">
              <pre className="pca-sql" aria-label="SQL that ran">
                <code>{reply.sql}</code>
              </pre>
              <CopyToClipboard
                variant="button"
                textToCopy={reply.sql}
                copyButtonText="Copy SQL"
                copySuccessText="SQL copied"
                copyErrorText="The SQL could not be copied"
              />
            </SpaceBetween>
          </ExpandableSection>
        )}
        {!reply.refused && columns.length > 0 && (
          <>
            <ResultChart question={reply.question} columns={columns} rows={rows} suggestion={reply.chart} />
            <ResultTable
              question={reply.question}
              columns={columns}
              rows={rows}
              totalRows={reply.total_rows}
              truncated={reply.truncated}
            />
          </>
        )}
        {(reply.suggestions ?? []).length > 0 && (
          <SpaceBetween size="xs">
            <Box variant="h4" tagOverride="h3">
              {reply.refused ? 'Questions I can answer' : 'Ask next'}
            </Box>
            <SpaceBetween direction="horizontal" size="xs">
              {(reply.suggestions ?? []).map((question) => (
                <Button key={question} disabled={busy} onClick={() => onAsk(question)}>
                  {question}
                </Button>
              ))}
            </SpaceBetween>
          </SpaceBetween>
        )}
        {!reply.refused && <Feedback messageId={reply.message_id} />}
      </SpaceBetween>
    </Container>
  );
}
