# Chat site (frontend/): Vite + React + TypeScript + Cloudscape. `npm ci` installs it from the committed lockfile;
# the browser tests drive Debian's Chromium (apt-get install chromium) through playwright-core against the
# embedded chat API on an ephemeral port, on a warehouse of their own (build/e2e-data).

FRONTEND := frontend
NPM ?= npm
NODE_STAMP := $(FRONTEND)/node_modules/.installed
FRONTEND_DIST := $(FRONTEND)/dist/index.html
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src $(FRONTEND)/public -type f 2>/dev/null) $(FRONTEND)/index.html \
	$(FRONTEND)/vite.config.ts $(wildcard $(FRONTEND)/tsconfig*.json) $(wildcard $(FRONTEND)/.env)
CHROMIUM ?= /usr/bin/chromium
E2E_DATA := $(CURDIR)/build/e2e-data
SCREENSHOTS := $(CURDIR)/build/screenshots

.PHONY: frontend-install frontend-build frontend-dev frontend-lint frontend-typecheck frontend-api-types \
	frontend-unit frontend-budget frontend-e2e frontend-check frontend-up-build chromium readme-screenshot

TEST_TARGETS += frontend-check frontend-e2e

$(NODE_STAMP): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && $(NPM) ci --no-audit --no-fund
	@touch $@

frontend-install: $(NODE_STAMP) ## npm ci for the chat site (from the committed lockfile)

$(FRONTEND_DIST): $(NODE_STAMP) $(FRONTEND_SOURCES)
	cd $(FRONTEND) && $(NPM) run build

frontend-build: $(FRONTEND_DIST) ## Build the chat site into frontend/dist (tsc -b && vite build)

frontend-dev: $(NODE_STAMP) ## Vite dev server for the chat site (point VITE_API_URL at `make up`'s API)
	cd $(FRONTEND) && $(NPM) run dev

frontend-lint: $(NODE_STAMP) ## eslint (typescript-eslint, react-hooks, jsx-a11y) over the chat site
	cd $(FRONTEND) && $(NPM) run --silent lint

frontend-api-types: $(NODE_STAMP) ## The site's API types are generated from the committed OpenAPI document
	cd $(FRONTEND) && npx openapi-typescript ../lambdas/api_handler/openapi.json -o node_modules/.tmp/schema.d.ts \
		--silent && diff -u src/api/schema.d.ts node_modules/.tmp/schema.d.ts \
		|| { echo "frontend/src/api/schema.d.ts is stale: run 'cd frontend && npm run api-types'"; exit 1; }

frontend-typecheck: $(NODE_STAMP) frontend-api-types ## tsc --strict over the chat site
	cd $(FRONTEND) && npx tsc -b

frontend-unit: $(NODE_STAMP) ## vitest + Testing Library (components, API client, config, CloudFront function)
	cd $(FRONTEND) && npx vitest run

frontend-budget: $(FRONTEND_DIST) ## First-load JavaScript of the built site within 250 kB gzip
	cd $(FRONTEND) && node scripts/check-bundle.mjs

frontend-check: frontend-lint frontend-typecheck frontend-unit frontend-budget ## Every offline check of the chat site

chromium: ## Debian's Chromium for the browser tests (installed when missing)
	@test -x $(CHROMIUM) || { echo "installing chromium (apt-get)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }
	@test -x $(CHROMIUM) || { echo "no Chromium at $(CHROMIUM); set CHROMIUM=/path/to/chromium"; exit 1; }

$(E2E_DATA)/warehouse.duckdb: | $(STAMP)
	PCA_DATA_DIR=$(E2E_DATA) $(BIN)/pca up --no-serve --quiet

frontend-e2e: $(FRONTEND_DIST) $(STAMP) chromium $(E2E_DATA)/warehouse.duckdb ## Browser tests against the embedded API (screenshots in build/screenshots)
	rm -f $(E2E_DATA)/conversations.sqlite  # each run starts with an empty history
	cd $(FRONTEND) && PCA=$(CURDIR)/$(BIN)/pca PYTHON=$(CURDIR)/$(PY) PCA_DATA_DIR=$(E2E_DATA) CHROMIUM=$(CHROMIUM) \
		SCREENSHOTS=$(SCREENSHOTS) timeout 600 node e2e/run.mjs

readme-screenshot: ## Refresh docs/chat-site.png (the README's screenshot) from the browser tests
	$(MAKE) --no-print-directory frontend-e2e
	cp $(SCREENSHOTS)/chat-site.png docs/chat-site.png

# `make up` serves the chat site too when Node is there to build it.
up: frontend-up-build

frontend-up-build:
	@if command -v $(NPM) >/dev/null 2>&1; then $(MAKE) --no-print-directory frontend-build; \
	else echo "npm not found: the chat API is served without the chat site (install Node 20 to build frontend/)"; fi
