# Agent knowledge generated from dbt, and the SQL guard benchmark.

.PHONY: agent-artifacts agent-check bench-guard

TEST_TARGETS += agent-check

agent-artifacts: $(STAMP) ## Regenerate the agent's instruction, schema catalog, action group and verified queries from dbt
	$(BIN)/pca agent-artifacts

agent-check: $(STAMP) ## Fail if the committed agent artifacts differ from a fresh regeneration or break a Bedrock limit
	$(BIN)/pca agent-artifacts --check

bench-guard: $(STAMP) ## SQL guard cost vs execution time of each verified query on 1,000,000 calls (DuckDB)
	$(PY) bench/guard.py
