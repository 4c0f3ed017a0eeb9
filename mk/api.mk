# Chat API: the local server, its OpenAPI document (generated from the code, committed, checked), the
# feedback review list and the API benchmark. Its tests (routes, auth, async jobs, schemathesis fuzzing of the
# local server) run in `make pytest` (tests/api).

API_PORT ?= 8787

.PHONY: serve api-openapi api-openapi-check feedback-candidates bench-api

TEST_TARGETS += api-openapi-check

serve: $(STAMP) ## Serve the chat API (and frontend/dist when built) on 127.0.0.1:$(API_PORT) over the built data
	$(BIN)/pca serve --port $(API_PORT)

api-openapi: $(STAMP) ## Regenerate lambdas/api_handler/openapi.json from the routes and models
	$(BIN)/pca openapi

api-openapi-check: $(STAMP) ## Fail if the committed OpenAPI document differs from the code's
	$(BIN)/pca openapi --check

feedback-candidates: $(STAMP) ## Well-rated answers with SQL, as candidate verified queries (PCA_CONVERSATIONS_TABLE or data/)
	$(BIN)/pca feedback

bench-api: $(STAMP) ## POST /chat through the local server vs the answerer directly, 8 clients, 1,000,000 calls
	$(PY) bench/api.py
