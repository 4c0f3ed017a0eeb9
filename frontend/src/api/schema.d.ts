/* Provisional: replaced by `npm run api-types` from the API's OpenAPI document. */
type JsonCell = string | number | boolean | null | unknown[] | { [key: string]: unknown };
export interface components {
  schemas: {
    ChatRequest: { question: string; conversation_id?: string | null };
    FeedbackRequest: { message_id: string; rating: 'up' | 'down'; comment?: string | null };
    ChartSuggestion: { kind: 'number' | 'bar' | 'line' | 'table'; x?: string | null; y?: string[] };
    Provenance: {
      answerer: string;
      verified_query?: string | null;
      verified_question?: string | null;
      verified_by?: string | null;
      verified_at?: string | null;
      confidence?: number | null;
    };
    ChatReply: {
      conversation_id: string;
      message_id: string;
      question: string;
      answer: string;
      refused: boolean;
      sql?: string | null;
      columns?: string[];
      rows?: JsonCell[][];
      total_rows: number;
      truncated: boolean;
      chart: components['schemas']['ChartSuggestion'];
      provenance: components['schemas']['Provenance'];
      suggestions?: string[];
      created_at: string;
    };
    ChatAccepted: { job_id: string; conversation_id: string; status: 'pending'; retry_after_seconds: number };
    ChatJob: {
      job_id: string;
      conversation_id: string;
      status: 'pending' | 'done' | 'failed';
      reply?: components['schemas']['ChatReply'] | null;
      error?: string | null;
      created_at: string;
      finished_at?: string | null;
    };
    ConversationSummary: {
      conversation_id: string;
      title: string;
      created_at: string;
      updated_at: string;
      message_count: number;
    };
    ConversationList: { conversations: components['schemas']['ConversationSummary'][] };
    Conversation: components['schemas']['ConversationSummary'] & {
      messages: components['schemas']['ChatReply'][];
    };
    Deleted: { conversation_id: string; deleted: true };
    FeedbackReceipt: { message_id: string; rating: 'up' | 'down'; recorded_at: string };
    ColumnInfo: {
      name: string;
      data_type: string;
      description?: string;
      unit?: string | null;
      examples?: JsonCell[];
      references?: string | null;
    };
    TableInfo: {
      name: string;
      description?: string;
      primary_key?: string[];
      columns: components['schemas']['ColumnInfo'][];
    };
    SchemaResponse: { database: string; tables: components['schemas']['TableInfo'][] };
    Suggestions: { questions: string[] };
    TranscriptTurn: {
      participant: string;
      text: string;
      begin_offset_ms?: number | null;
      end_offset_ms?: number | null;
      sentiment?: string | null;
    };
    Scorecard: { evaluation: { [key: string]: JsonCell }; answers: { [key: string]: JsonCell }[] };
    CallDetail: {
      call_id: string;
      call: { [key: string]: JsonCell };
      scorecards: components['schemas']['Scorecard'][];
      transcript: components['schemas']['TranscriptTurn'][];
      transcript_error?: string | null;
    };
    Problem: {
      type?: string;
      title: string;
      status: number;
      detail?: string | null;
      instance?: string | null;
      errors?: { [key: string]: unknown }[] | null;
    };
  };
}
