# Answers: `pca ask`, `pca eval`, the public evaluation set (evals/questions.yml) and the scored held-out sets (EVAL_SETS).

# A fixed demo build the evaluation's gold SQL is written for (as_of 2026-03-31 in evals/questions.yml).
EVAL_DATA := $(CURDIR)/build/eval-data
EVAL_BUILD := --calls 3000 --days 90 --seed 7 --end-date 2026-03-31 --data-dir $(EVAL_DATA) --quiet

.PHONY: answers-eval ask-bench

# The public set, then the held-out sets gated once scored blind (tests/evals/test_heldout_golds.py checks this list)
EVAL_SETS := questions heldout heldout2 heldout3 heldout4 heldout5 heldout6 heldout7 heldout8 heldout9 heldout10 heldout11 heldout12 heldout13 heldout14 heldout15 heldout16 heldout17 heldout18 heldout19 heldout20 heldout21 heldout22 heldout23 heldout24 heldout25 heldout26 heldout27 heldout28 heldout29 heldout30 heldout31 heldout32 heldout33 heldout34 heldout35 heldout36 heldout37

answers-eval: $(STAMP) ## Score the offline chain (verified, then semantic) on evals/questions.yml and every scored held-out set (EVAL_SETS)
	$(BIN)/pca up --no-serve $(EVAL_BUILD)
	@# every gold of every held-out set returns 1-25 rows on this build (skipped by `make pytest` before it exists)
	$(BIN)/pytest -q -p no:cacheprovider tests/evals/test_heldout_golds.py -k every_gold_returns_rows
	@set -e; for set in $(EVAL_SETS); do \
		echo "pca eval evals/$$set.yml"; \
		$(BIN)/pca eval evals/$$set.yml --answerer verified --answerer semantic --data-dir $(EVAL_DATA) \
			--report build/$$set-report.json; \
	done

ask-bench: $(STAMP) ## Latency of pca ask's verified and semantic paths (bench/ask.py; BENCH_CALLS=1000000 by default)
	$(PY) bench/ask.py

TEST_TARGETS += answers-eval
