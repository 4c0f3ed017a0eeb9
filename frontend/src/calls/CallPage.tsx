import Alert from '@cloudscape-design/components/alert';
import Badge from '@cloudscape-design/components/badge';
import BarChart from '@cloudscape-design/components/bar-chart';
import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiContext';
import { explainError } from '../api/client';
import type { CallDetail, Cell } from '../api/types';
import { formatCell, formatDate, humanise } from '../shared/format';

const METRICS: string[] = [
  'direction',
  'started_at',
  'duration_seconds',
  'agent_name',
  'team',
  'queue',
  'call_status',
  'customer_satisfaction',
  'queue_wait_seconds',
  'hold_time_seconds',
  'talk_time_agent_percent',
  'non_talk_time_percent',
  'interruptions_count',
  'sentiment_agent',
  'sentiment_customer',
  'sentiment_customer_change',
];

const INSIGHT_FIELDS = [
  'summary_topic',
  'summary_product',
  'summary_resolved',
  'summary_callback_required',
  'issue_count',
  'outcome_count',
  'action_item_count',
];

const QUARTERS = ['q1', 'q2', 'q3', 'q4'];

export function sentimentByQuarter(call: Record<string, Cell>) {
  const series = (['agent', 'customer'] as const).map((who) => ({
    title: who === 'agent' ? 'Agent' : 'Customer',
    type: 'bar' as const,
    data: QUARTERS.flatMap((q) => {
      const value = call[`sentiment_${who}_${q}`];
      return typeof value === 'number' ? [{ x: q.toUpperCase(), y: value }] : [];
    }),
  }));
  return series.filter((s) => s.data.length > 0);
}

export function categoriesOf(call: Record<string, Cell>): string[] {
  const value = call.categories;
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value.trim()) return value.split(',').map((c) => c.trim()).filter(Boolean);
  return [];
}

function metricValue(name: string, value: Cell | undefined): string {
  if (name.endsWith('_at') && typeof value === 'string') return formatDate(value);
  const text = formatCell(value);
  if (typeof value === 'number' && name.endsWith('_seconds')) return `${text} s`;
  if (typeof value === 'number' && name.endsWith('_percent')) return `${text}%`;
  return text;
}

function formatOffset(ms: number | null | undefined): string {
  if (typeof ms !== 'number') return '';
  const total = Math.floor(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export default function CallPage({ callId }: { callId: string }) {
  const api = useApi();
  const [detail, setDetail] = useState<CallDetail | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    api
      .call(callId, controller.signal)
      .then(setDetail)
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      });
    return () => controller.abort();
  }, [api, callId]);

  const call = detail?.call ?? {};
  const sentiment = sentimentByQuarter(call);
  const categories = categoriesOf(call);
  const insights = (detail?.insights ?? []).flatMap((i) =>
    typeof i.insight_text === 'string' ? [{ type: String(i.insight_type ?? 'insight'), text: i.insight_text }] : [],
  );

  return (
    <ContentLayout
      header={
        <Header variant="h1" description={typeof call.summary_text === 'string' ? call.summary_text : undefined}>
          Call {callId}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {error != null && (
          <Alert type="error" header="The call could not be loaded">
            {explainError(error)}
          </Alert>
        )}
        {!detail && error == null && <StatusIndicator type="loading">Loading the call…</StatusIndicator>}
        {detail && (
          <>
            <Container header={<Header variant="h2">Metrics</Header>}>
              <KeyValuePairs
                columns={4}
                items={METRICS.filter((m) => m in call).map((m) => ({
                  label: humanise(m),
                  value: metricValue(m, call[m]),
                }))}
              />
            </Container>
            <ColumnLayout columns={2}>
              <Container header={<Header variant="h2">Sentiment by quarter of the call</Header>}>
                {sentiment.length ? (
                  <BarChart
                    series={sentiment}
                    xDomain={QUARTERS.map((q) => q.toUpperCase())}
                    xScaleType="categorical"
                    yDomain={[-5, 5]}
                    height={200}
                    hideFilter
                    ariaLabel="Sentiment of agent and customer by quarter of the call"
                    xTitle="Quarter of the call"
                    yTitle="Sentiment (-5 to 5)"
                  />
                ) : (
                  <Box>No sentiment was recorded for this call.</Box>
                )}
              </Container>
              <Container header={<Header variant="h2">Categories and insights</Header>}>
                <SpaceBetween size="s">
                  <div aria-label="Categories" role="group">
                    {categories.length ? (
                      <SpaceBetween direction="horizontal" size="xs">
                        {categories.map((c) => (
                          <Badge key={c} color="blue">
                            {c}
                          </Badge>
                        ))}
                      </SpaceBetween>
                    ) : (
                      <Box color="text-body-secondary">No category matched.</Box>
                    )}
                  </div>
                  <KeyValuePairs
                    columns={2}
                    items={INSIGHT_FIELDS.filter((f) => f in call).map((f) => ({
                      label: humanise(f.replace(/^summary_/, '')),
                      value: formatCell(call[f]),
                    }))}
                  />
                  {insights.length > 0 && (
                    <ul aria-label="Insights">
                      {insights.map((i, n) => (
                        <li key={n}>
                          <strong>{humanise(i.type.toLowerCase())}:</strong> {i.text}
                        </li>
                      ))}
                    </ul>
                  )}
                </SpaceBetween>
              </Container>
            </ColumnLayout>
            <Container header={<Header variant="h2" counter={`(${detail.scorecards.length})`}>Scorecards</Header>}>
              {detail.scorecards.length === 0 && <Box>No QA evaluation of this call.</Box>}
              <SpaceBetween size="m">
                {detail.scorecards.map((card, n) => {
                  const e = card.evaluation;
                  const title = [e.form_name ?? e.form_id, e.score_percent ?? e.total_score]
                    .filter((v) => v !== undefined && v !== null)
                    .map((v) => formatCell(v))
                    .join(' · ');
                  return (
                    <ExpandableSection
                      key={String(e.evaluation_id ?? n)}
                      headerText={title || `Evaluation ${n + 1}`}
                      defaultExpanded={n === 0}
                      variant="container"
                    >
                      <Table
                        variant="embedded"
                        items={card.answers}
                        wrapLines
                        ariaLabels={{ tableLabel: 'Scorecard answers' }}
                        columnDefinitions={['question_text', 'answer', 'answer_value', 'score', 'points', 'max_points']
                          .filter((k) => card.answers.some((a) => k in a))
                          .map((k) => ({ id: k, header: humanise(k), cell: (a: Record<string, Cell>) => formatCell(a[k]) }))}
                        empty={<Box>No answers recorded.</Box>}
                      />
                    </ExpandableSection>
                  );
                })}
              </SpaceBetween>
            </Container>
            <Container header={<Header variant="h2" counter={`(${detail.transcript.length})`}>Transcript</Header>}>
              {detail.transcript_error && <Alert type="warning">{detail.transcript_error}</Alert>}
              {detail.transcript.length === 0 && !detail.transcript_error && <Box>No transcript turns.</Box>}
              <ol className="pca-transcript" aria-label="Transcript">
                {detail.transcript.map((turn, n) => (
                  <li key={n} className={turn.participant === 'AGENT' ? 'pca-agent' : 'pca-customer'}>
                    <Box variant="small" color="text-body-secondary">
                      {turn.participant === 'AGENT' ? 'Agent' : 'Customer'} {formatOffset(turn.begin_offset_ms)}
                      {turn.sentiment ? ` · ${turn.sentiment.toLowerCase()}` : ''}
                    </Box>
                    <Box variant="p">{turn.text}</Box>
                  </li>
                ))}
              </ol>
            </Container>
          </>
        )}
      </SpaceBetween>
    </ContentLayout>
  );
}
