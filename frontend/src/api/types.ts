// The chat API's bodies. Generated types from the API's committed OpenAPI document live in schema.d.ts
// (`npm run api-types`); these names are the ones the site uses.
import type { components } from './schema';

type Schemas = components['schemas'];

export type ChatRequest = Schemas['ChatRequest'];
export type ChatReply = Schemas['ChatReply'];
export type ChatAccepted = Schemas['ChatAccepted'];
export type ChatJob = Schemas['ChatJob'];
export type ChartSuggestion = Schemas['ChartSuggestion'];
export type ChartKind = ChartSuggestion['kind'];
export type Provenance = Schemas['Provenance'];
export type ConversationSummary = Schemas['ConversationSummary'];
export type ConversationList = Schemas['ConversationList'];
export type Conversation = Schemas['Conversation'];
export type FeedbackRequest = Schemas['FeedbackRequest'];
export type FeedbackReceipt = Schemas['FeedbackReceipt'];
export type SchemaResponse = Schemas['SchemaResponse'];
export type TableInfo = Schemas['TableInfo'];
export type ColumnInfo = Schemas['ColumnInfo'];
export type Suggestions = Schemas['Suggestions'];
export type CallDetail = Schemas['CallDetail'];
export type TranscriptTurn = Schemas['TranscriptTurn'];
export type Scorecard = Schemas['Scorecard'];
export type Problem = Schemas['Problem'];

/** One result cell as JSON carries it. */
export type Cell = string | number | boolean | null | unknown[] | { [key: string]: unknown };
