import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Pagination from '@cloudscape-design/components/pagination';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import { useMemo, useState } from 'react';
import type { Cell } from '../api/types';
import { csvFileName, downloadText, toCsv } from '../shared/csv';
import { compareCells, formatCell, isCallIdColumn } from '../shared/format';
import { linkProps, pathFor } from '../router';

export const PAGE_SIZE = 10;

interface Row {
  index: number;
  cells: Cell[];
}

interface Props {
  question: string;
  columns: string[];
  rows: Cell[][];
  totalRows: number;
  truncated: boolean;
}

export function ResultTable({ question, columns, rows, totalRows, truncated }: Props) {
  const [page, setPage] = useState(1);
  const [sorting, setSorting] = useState<{ column: number; descending: boolean } | null>(null);

  const items = useMemo(() => {
    const all: Row[] = rows.map((cells, index) => ({ index, cells }));
    if (sorting) {
      const { column, descending } = sorting;
      all.sort((a, b) => {
        const order = compareCells(a.cells[column], b.cells[column]);
        return descending ? -order : order;
      });
    }
    return all;
  }, [rows, sorting]);

  const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const visible = items.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);

  const definitions: TableProps.ColumnDefinition<Row>[] = columns.map((name, column) => ({
    id: String(column),
    header: name,
    sortingField: String(column),
    cell: (row) => {
      const value = row.cells[column];
      if (isCallIdColumn(name) && typeof value === 'string' && value) {
        const path = pathFor({ page: 'call', callId: value });
        return (
          <Link {...linkProps(path)} ariaLabel={`Open call ${value}`}>
            {value}
          </Link>
        );
      }
      return formatCell(value);
    },
  }));

  const sortingColumn = sorting ? definitions[sorting.column] : undefined;
  const counter = truncated ? `(${rows.length} of ${totalRows})` : `(${rows.length})`;

  return (
    <Table
      variant="embedded"
      items={visible}
      trackBy={(row) => String(row.index)}
      columnDefinitions={definitions}
      sortingColumn={sortingColumn}
      sortingDescending={sorting?.descending ?? false}
      onSortingChange={({ detail }) => {
        setSorting({ column: Number(detail.sortingColumn.sortingField), descending: detail.isDescending ?? false });
        setPage(1);
      }}
      ariaLabels={{
        tableLabel: `Result of: ${question}`,
      }}
      wrapLines={false}
      resizableColumns
      stickyHeader={false}
      empty={<Box textAlign="center">The query returned no rows.</Box>}
      header={
        <Header
          variant="h3"
          counter={counter}
          description={truncated ? `Showing the first ${rows.length} of ${totalRows} rows.` : undefined}
          actions={
            <Button
              iconName="download"
              onClick={() => downloadText(csvFileName(question), toCsv(columns, rows))}
              ariaLabel="Download the result as CSV"
            >
              CSV
            </Button>
          }
        >
          Result
        </Header>
      }
      pagination={
        pages > 1 ? (
          <Pagination
            currentPageIndex={current}
            pagesCount={pages}
            onChange={({ detail }) => setPage(detail.currentPageIndex)}
            ariaLabels={{
              nextPageLabel: 'Next page',
              previousPageLabel: 'Previous page',
              pageLabel: (n) => `Page ${n} of ${pages}`,
            }}
          />
        ) : undefined
      }
    />
  );
}
