import Box from '@cloudscape-design/components/box';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { lazy, Suspense, useState } from 'react';
import type { Cell, ChartSuggestion } from '../api/types';
import { formatCell } from '../shared/format';
import { planChart, type ChartChoice } from './chartData';

const ChartView = lazy(() => import('./ChartView'));

const LABELS: Record<ChartChoice, string> = { bar: 'Bar', line: 'Line', number: 'Number', table: 'No chart' };

interface Props {
  question: string;
  columns: string[];
  rows: Cell[][];
  suggestion: ChartSuggestion | undefined;
}

export function ResultChart({ question, columns, rows, suggestion }: Props) {
  const plan = planChart(columns, rows, suggestion);
  const [choice, setChoice] = useState<ChartChoice>(plan.suggested);
  if (plan.available.length <= 1) return null;
  const kind = plan.available.includes(choice) ? choice : plan.suggested;
  return (
    <SpaceBetween size="s">
      <SegmentedControl
        label="Chart type"
        selectedId={kind}
        onChange={({ detail }) => setChoice(detail.selectedId as ChartChoice)}
        options={plan.available.map((id) => ({ id, text: LABELS[id] }))}
      />
      {kind === 'number' && (
        <div role="group" aria-label="Result value">
          {plan.y.slice(0, 3).map((name) => (
            <Box key={name} display="inline-block" margin={{ right: 'xxl' }}>
              <Box variant="awsui-key-label">{name}</Box>
              <Box variant="awsui-value-large" data-testid="result-number">
                {formatCell(rows[0]?.[columns.indexOf(name)])}
              </Box>
            </Box>
          ))}
        </div>
      )}
      {(kind === 'bar' || kind === 'line') && plan.x && (
        <Suspense fallback={<Spinner size="large" />}>
          <ChartView kind={kind} columns={columns} rows={rows} x={plan.x} y={plan.y} title={`Chart of: ${question}`} />
        </Suspense>
      )}
    </SpaceBetween>
  );
}
