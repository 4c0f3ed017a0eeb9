import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import Popover from '@cloudscape-design/components/popover';
import type { Provenance } from '../api/types';
import { formatDate } from '../shared/format';

const ANSWERERS: Record<string, string> = {
  verified: 'verified query',
  'semantic-layer': 'semantic-layer metric',
  metrics: 'semantic-layer metric',
  'bedrock-agent': 'Bedrock agent',
  llm: 'language model',
};

export function answererName(answerer: string): string {
  return ANSWERERS[answerer] ?? answerer;
}

/** "Verified by … on …" for a verified query, else which answerer wrote the SQL. */
export function provenanceText(p: Provenance): string {
  if (p.verified_query) {
    const who = p.verified_by ? ` by ${p.verified_by}` : '';
    const when = p.verified_at ? ` on ${formatDate(p.verified_at)}` : '';
    return `Verified${who}${when}`;
  }
  return `Answered by the ${answererName(p.answerer)}`;
}

export function ProvenanceBadge({ provenance }: { provenance: Provenance }) {
  const verified = Boolean(provenance.verified_query);
  const label = verified ? 'Verified' : answererName(provenance.answerer);
  return (
    <Popover
      header={verified ? 'Verified answer' : 'Generated answer'}
      triggerType="custom"
      dismissButton={false}
      content={
        <Box variant="p">
          {provenanceText(provenance)}.
          {verified && (
            <>
              {' '}
              Query <code>{provenance.verified_query}</code>
              {provenance.verified_question ? <> answers “{provenance.verified_question}”</> : null}.
            </>
          )}
          {!verified && ' Check the SQL before relying on it.'}
          {typeof provenance.confidence === 'number' && (
            <> Match confidence {Math.round(provenance.confidence * 100)}%.</>
          )}
        </Box>
      }
    >
      <button type="button" className="pca-badge-button" aria-label={`${provenanceText(provenance)}. Details`}>
        <Badge color={verified ? 'green' : 'grey'}>{label}</Badge>
      </button>
    </Popover>
  );
}
