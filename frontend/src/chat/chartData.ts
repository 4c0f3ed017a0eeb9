import type { Cell, ChartSuggestion } from '../api/types';

export type ChartChoice = 'bar' | 'line' | 'number' | 'table';

export interface ChartPlan {
  /** What the API suggested, adjusted to what the rows allow. */
  suggested: ChartChoice;
  /** Choices that make sense for these rows. */
  available: ChartChoice[];
  x: string | null;
  y: string[];
}

function isNumeric(rows: Cell[][], column: number): boolean {
  let seen = false;
  for (const row of rows) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'number') return false;
    seen = true;
  }
  return seen;
}

/** Decide how the rows can be drawn, starting from the API's suggestion. */
export function planChart(columns: string[], rows: Cell[][], suggestion: ChartSuggestion | undefined): ChartPlan {
  const numeric = columns.filter((_, i) => isNumeric(rows, i));
  const others = columns.filter((name) => !numeric.includes(name));
  const y = (suggestion?.y ?? []).filter((name) => numeric.includes(name));
  const yColumns = y.length ? y : numeric.slice(0, 3);
  const x = suggestion?.x && columns.includes(suggestion.x) ? suggestion.x : (others[0] ?? null);
  const available: ChartChoice[] = [];
  if (rows.length === 1 && numeric.length >= 1) available.push('number');
  if (x && yColumns.length && rows.length >= 1) available.push('bar', 'line');
  available.push('table');
  let suggested: ChartChoice = (suggestion?.kind as ChartChoice | undefined) ?? 'table';
  if (!available.includes(suggested)) suggested = available[0] ?? 'table';
  return { suggested, available, x, y: yColumns };
}

export interface Series {
  title: string;
  data: { x: string; y: number }[];
}

/** One series per y column, x values as text (categories or dates), rows whose y is null left out. */
export function seriesFor(columns: string[], rows: Cell[][], x: string, y: string[]): Series[] {
  const xi = columns.indexOf(x);
  return y.map((name) => {
    const yi = columns.indexOf(name);
    return {
      title: name,
      data: rows
        .filter((row) => typeof row[yi] === 'number')
        .map((row) => ({ x: String(row[xi] ?? '(none)'), y: row[yi] as number })),
    };
  });
}
