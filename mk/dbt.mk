# dbt project (dbt_project/): build on DuckDB, lint, docs site, benchmark.

DOCS_PORT ?= 8080

.PHONY: dbt-build dbt-build-incremental dbt-lint docs bench-dbt bench-scan

TEST_TARGETS += dbt-lint

dbt-build: $(STAMP) ## dbt build on DuckDB over $(PCA_DATA_DIR)/lake and print mart counts + the runbook Test 2
	$(BIN)/pca dbt build

dbt-build-incremental: $(STAMP) ## dbt build with the scale switch on (incremental tables)
	$(BIN)/pca dbt build --materialize-current-state

dbt-lint: $(STAMP) ## sqlfluff lint of the dbt models (dialect athena, dbt_project/.sqlfluff)
	cd dbt_project && ../$(BIN)/sqlfluff lint models --disable-progress-bar

docs: $(STAMP) ## Generate the dbt docs site (every model and column) and serve it (DOCS_PORT, default 8080)
	@test -f $(PCA_DATA_DIR)/warehouse.duckdb || $(BIN)/pca up --no-serve --quiet
	$(BIN)/pca dbt docs --serve --port $(DOCS_PORT)

bench-dbt: $(STAMP) ## dbt build on 1,000,000 calls: views vs incremental switch vs a 1% incremental run
	$(PY) bench/dbt_build.py

bench-scan: $(STAMP) ## Athena bytes scanned per question and metric at 1M/10M calls, views vs fresh; fails on a missed target (also in make bench)
	$(PY) bench/athena_scan.py --check
