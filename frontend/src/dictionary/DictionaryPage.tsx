import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/ApiContext';
import { explainError } from '../api/client';
import type { ColumnInfo, SchemaResponse, TableInfo } from '../api/types';
import { formatCell } from '../shared/format';

function matches(table: TableInfo, column: ColumnInfo | null, query: string): boolean {
  const q = query.toLowerCase();
  const texts = column
    ? [column.name, column.description ?? '', column.data_type, column.unit ?? '']
    : [table.name, table.description ?? ''];
  return texts.some((t) => t.toLowerCase().includes(q));
}

export default function DictionaryPage({ table: focus }: { table: string | null }) {
  const api = useApi();
  const [schema, setSchema] = useState<SchemaResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    const controller = new AbortController();
    api
      .schema(controller.signal)
      .then(setSchema)
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      });
    return () => controller.abort();
  }, [api]);

  useEffect(() => {
    if (schema && focus) document.getElementById(`table-${focus}`)?.scrollIntoView?.();
  }, [schema, focus]);

  const tables = useMemo(() => {
    if (!schema) return [];
    const q = query.trim();
    if (!q) return schema.tables.map((table) => ({ table, columns: table.columns }));
    return schema.tables
      .map((table) => ({
        table,
        columns: matches(table, null, q) ? table.columns : table.columns.filter((c) => matches(table, c, q)),
      }))
      .filter((t) => t.columns.length > 0);
  }, [schema, query]);

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={
            schema
              ? `Every table and column the answers can use, in the ${schema.database} database.`
              : 'Every table and column the answers can use.'
          }
        >
          Data dictionary
        </Header>
      }
    >
      <SpaceBetween size="l">
        {error != null && (
          <Alert type="error" header="The data dictionary could not be loaded">
            {explainError(error)}
          </Alert>
        )}
        {!schema && error == null && <StatusIndicator type="loading">Loading the data dictionary…</StatusIndicator>}
        {schema && (
          <TextFilter
            filteringText={query}
            onChange={({ detail }) => setQuery(detail.filteringText)}
            filteringPlaceholder="Find a table or column"
            filteringAriaLabel="Find a table or column"
            countText={`${tables.length} ${tables.length === 1 ? 'table' : 'tables'}`}
          />
        )}
        {tables.map(({ table, columns }) => (
          <div key={table.name} id={`table-${table.name}`}>
            <Container
              header={
                <Header
                  variant="h2"
                  counter={`(${columns.length})`}
                  description={table.description || undefined}
                >
                  {table.name}
                </Header>
              }
            >
              <SpaceBetween size="s">
                {(table.primary_key ?? []).length > 0 && (
                  <Box variant="small">
                    One row per <code>{(table.primary_key ?? []).join(', ')}</code>.
                  </Box>
                )}
                <Table
                  variant="embedded"
                  items={columns}
                  trackBy="name"
                  wrapLines
                  ariaLabels={{ tableLabel: `Columns of ${table.name}` }}
                  columnDefinitions={[
                    { id: 'name', header: 'Column', cell: (c) => <code>{c.name}</code>, width: 220 },
                    { id: 'type', header: 'Type', cell: (c) => c.data_type, width: 120 },
                    {
                      id: 'description',
                      header: 'Description',
                      cell: (c) => (
                        <>
                          {c.description}
                          {c.unit ? ` (${c.unit})` : ''}
                          {c.references ? (
                            <Box variant="small" color="text-body-secondary">
                              Joins to {c.references}
                            </Box>
                          ) : null}
                        </>
                      ),
                    },
                    {
                      id: 'examples',
                      header: 'Examples',
                      cell: (c) => (c.examples ?? []).slice(0, 3).map((v) => formatCell(v)).join(', '),
                      width: 200,
                    },
                  ]}
                />
              </SpaceBetween>
            </Container>
          </div>
        ))}
        {schema && tables.length === 0 && <Box>No table or column matches “{query}”.</Box>}
      </SpaceBetween>
    </ContentLayout>
  );
}
