import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ResultTable } from './ResultTable';

const columns = ['call_id', 'agent', 'duration_seconds'];
const rows = Array.from({ length: 23 }, (_, i) => [`c-${i + 1}`, `Agent ${String.fromCharCode(65 + (i % 5))}`, (i * 37) % 101]);

function bodyRows() {
  const table = screen.getByRole('table');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell').map((c) => c.textContent));
}

describe('ResultTable', () => {
  it('pages through the rows ten at a time', async () => {
    const user = userEvent.setup();
    render(<ResultTable question="q" columns={columns} rows={rows} totalRows={23} truncated={false} />);
    expect(bodyRows()).toHaveLength(10);
    await user.click(screen.getByRole('button', { name: 'Page 3 of 3' }));
    expect(bodyRows().map((r) => r[0])).toEqual(['c-21', 'c-22', 'c-23']);
  });

  it('sorts numerically by a column, both ways', async () => {
    const user = userEvent.setup();
    render(<ResultTable question="q" columns={columns} rows={rows} totalRows={23} truncated={false} />);
    const header = screen.getByRole('columnheader', { name: /duration_seconds/ });
    await user.click(within(header).getByText('duration_seconds'));
    const ascending = bodyRows().map((r) => Number(r[2]));
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect(ascending[0]).toBe(0);
    await user.click(within(header).getByText('duration_seconds'));
    expect(Number(bodyRows()[0]![2])).toBe(Math.max(...rows.map((r) => r[2] as number)));
  });

  it('links each call id to its call page', () => {
    render(<ResultTable question="q" columns={columns} rows={rows} totalRows={23} truncated={false} />);
    expect(screen.getByRole('link', { name: 'Open call c-1' })).toHaveAttribute('href', '/calls/c-1');
  });

  it('says when the rows were cut and exports every row it has as CSV', async () => {
    const user = userEvent.setup();
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:x';
    });
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    render(<ResultTable question="Longest calls" columns={columns} rows={rows} totalRows={5000} truncated />);
    expect(screen.getByText('Showing the first 23 of 5000 rows.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Download the result as CSV' }));
    expect(click).toHaveBeenCalledOnce();
    const text = await blobs[0]!.text();
    const lines = text.replace(/^\ufeff/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('call_id,agent,duration_seconds');
    expect(lines).toHaveLength(24);
  });
});
