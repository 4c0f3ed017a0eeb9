// Loaded on demand: Cloudscape's charts are the largest part of the site and only answers with rows need them.
import BarChart from '@cloudscape-design/components/bar-chart';
import Box from '@cloudscape-design/components/box';
import LineChart from '@cloudscape-design/components/line-chart';
import type { Cell } from '../api/types';
import { seriesFor } from './chartData';

interface Props {
  kind: 'bar' | 'line';
  columns: string[];
  rows: Cell[][];
  x: string;
  y: string[];
  title: string;
}

export default function ChartView({ kind, columns, rows, x, y, title }: Props) {
  const series = seriesFor(columns, rows, x, y);
  const xDomain = [...new Set(series.flatMap((s) => s.data.map((d) => d.x)))];
  const empty = <Box textAlign="center">No numbers to chart.</Box>;
  const common = {
    height: 260,
    xDomain,
    xScaleType: 'categorical' as const,
    xTitle: x,
    yTitle: y.length === 1 ? y[0] : undefined,
    hideFilter: true,
    hideLegend: series.length === 1,
    ariaLabel: title,
    empty,
    i18nStrings: { xTickFormatter: (value: string) => (value.length > 16 ? value.slice(0, 15) + '…' : value) },
  };
  if (kind === 'line') {
    return <LineChart {...common} series={series.map((s) => ({ ...s, type: 'line' as const }))} />;
  }
  return <BarChart {...common} series={series.map((s) => ({ ...s, type: 'bar' as const }))} />;
}
