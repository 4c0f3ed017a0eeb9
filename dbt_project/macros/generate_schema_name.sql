{#-
    Production schemas only on the production target. On `prod` (and on the private DuckDB file of `local`)
    schemas are named exactly as configured: marts in `post_call_analytics` (the same name on Athena and DuckDB,
    so `select … from post_call_analytics.calls` runs on both), staging and intermediate models in
    `post_call_analytics_staging` / `post_call_analytics_intermediate`. Every other target gets its own copy:
    `dev` (and `athena`) prefix `dev_<user>_`, `ci` prefixes `ci_<branch>_`, so a build from a laptop or a CI
    run never replaces production tables. Nodes without a configured schema use the target schema, prefixed
    the same way.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set base = (target.schema if custom_schema_name is none else custom_schema_name) | trim -%}
    {{ schema_prefix() }}{{ base }}
{%- endmacro %}

{% macro schema_prefix() -%}
    {%- if target.name in ('prod', 'local') -%}
    {%- elif target.name in ('dev', 'athena') -%}
        dev_{{ schema_token(env_var('PCA_DBT_USER', env_var('USER', '')), 'the developer (set PCA_DBT_USER)') }}_
    {%- elif target.name == 'ci' -%}
        {%- set branch = env_var('PCA_DBT_CI_BRANCH', env_var('GITHUB_HEAD_REF', '') or env_var('GITHUB_REF_NAME', '') or env_var('CI_COMMIT_REF_NAME', '')) -%}
        ci_{{ schema_token(branch, 'the branch (set PCA_DBT_CI_BRANCH)') }}_
    {%- else -%}
        {{ exceptions.raise_compiler_error("Unknown target '" ~ target.name ~ "': use prod (production schemas), dev, ci or local.") }}
    {%- endif -%}
{%- endmacro %}

{#- A name part Glue accepts: lowercase letters, digits and single underscores, at most 32 characters. -#}
{% macro schema_token(value, what) -%}
    {%- set token = modules.re.sub('[^a-z0-9]+', '_', (value or '') | lower).strip('_')[:32].strip('_') -%}
    {%- if not token -%}
        {{ exceptions.raise_compiler_error("Cannot name the schemas of target '" ~ target.name ~ "': unknown " ~ what ~ ".") }}
    {%- endif -%}
    {{ token }}
{%- endmacro %}
