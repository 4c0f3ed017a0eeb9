# Answers: `pca ask`, `pca eval`, the public evaluation set (evals/questions.yml) and the held-out sets (evals/heldout.yml, evals/heldout2.yml, evals/heldout3.yml, evals/heldout4.yml, evals/heldout5.yml, evals/heldout6.yml, evals/heldout7.yml).

# A fixed demo build the evaluation's gold SQL is written for (as_of 2026-03-31 in evals/questions.yml).
EVAL_DATA := $(CURDIR)/build/eval-data
EVAL_BUILD := --calls 3000 --days 90 --seed 7 --end-date 2026-03-31 --data-dir $(EVAL_DATA) --quiet

.PHONY: answers-eval ask-bench

answers-eval: $(STAMP) ## Score the offline chain (verified, then semantic) on evals/questions.yml and the held-out evals/heldout.yml, evals/heldout2.yml, evals/heldout3.yml, evals/heldout4.yml, evals/heldout5.yml, evals/heldout6.yml and evals/heldout7.yml
	$(BIN)/pca up --no-serve $(EVAL_BUILD)
	$(BIN)/pca eval evals/questions.yml --answerer verified --answerer semantic --data-dir $(EVAL_DATA) \
		--report build/eval-report.json
	$(BIN)/pca eval evals/heldout.yml --answerer verified --answerer semantic --data-dir $(EVAL_DATA) \
		--report build/heldout-report.json
	$(BIN)/pca eval evals/heldout2.yml --answerer verified --answerer semantic --data-dir $(EVAL_DATA) \
		--report build/heldout2-report.json
	$(BIN)/pca eval evals/heldout3.yml --answerer verified --answerer semantic --data-dir $(EVAL_DATA) \
		--report build/heldout3-report.json
	$(BIN)/pca eval evals/heldout4.yml --answerer verified --answerer semantic --data-dir $(EVAL_DATA) \
		--report build/heldout4-report.json
	$(BIN)/pca eval evals/heldout5.yml --answerer verified --answerer semantic --data-dir $(EVAL_DATA) \
		--report build/heldout5-report.json
	$(BIN)/pca eval evals/heldout6.yml --answerer verified --answerer semantic --data-dir $(EVAL_DATA) \
		--report build/heldout6-report.json
	$(BIN)/pca eval evals/heldout7.yml --answerer verified --answerer semantic --data-dir $(EVAL_DATA) \
		--report build/heldout7-report.json

ask-bench: $(STAMP) ## Latency of pca ask's verified and semantic paths (bench/ask.py; BENCH_CALLS=1000000 by default)
	$(PY) bench/ask.py

TEST_TARGETS += answers-eval
