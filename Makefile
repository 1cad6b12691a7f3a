# DataQuery Pro: `make run` serves the app with demo data; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WEB_SOURCES := $(shell find web/src web/public web/index.html web/vite.config.ts web/tsconfig*.json \
	web/package.json web/eslint.config.js -type f 2>/dev/null)

.PHONY: run test setup web api-client check-api-client lint typecheck test-web test-py clean \
	bench-uploads bench-upload-limits bench-audience bench-viewer bench-deploy bench-split \
	bench-distribution bench-load run-cluster fuzz test-fuzz

$(BIN)/dataquery: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build

setup: $(BIN)/dataquery web/node_modules/.installed

web: web/dist/index.html

## Serve on http://127.0.0.1:8000 with demo data (generated once).
run: setup web
	$(BIN)/dataquery migrate
	$(BIN)/dataquery demo --if-empty
	@$(BIN)/dataquery users ensure-admin
	$(BIN)/dataquery serve

## Two instances (8001, 8002) over one PostgreSQL warehouse (DQ_WAREHOUSE_URL, default the local
## `dataquery` database, created if missing) behind a round-robin proxy on http://127.0.0.1:8000.
run-cluster: setup web
	$(BIN)/python scripts/run_cluster.py

## The OpenAPI schema and the typed web client generated from it.
api-client: $(BIN)/dataquery web/node_modules/.installed
	$(BIN)/dataquery openapi --out web/openapi.json
	cd web && npm run --silent gen:api
	$(BIN)/python scripts/server_codes.py

check-api-client: $(BIN)/dataquery web/node_modules/.installed
	@scripts/check-api-client.sh

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	cd web && npm run lint

typecheck: setup
	$(BIN)/mypy
	cd web && npm run typecheck

test-web: setup
	cd web && npm test

test-py: setup web
	$(BIN)/pytest

## Schemathesis against a served instance, on DuckDB and on PostgreSQL (DQ_TEST_POSTGRES_URL),
## NUL bytes allowed: any 500 fails. `make fuzz FUZZ_EXAMPLES=200` digs deeper.
FUZZ_EXAMPLES ?= 50
FUZZ_PHASES ?= examples,coverage,fuzzing
fuzz: setup
	$(BIN)/python tests/fuzz/run_fuzz.py --examples $(FUZZ_EXAMPLES) --phases $(FUZZ_PHASES)

# The small run of `make test`: a few examples per operation, a fixed seed.
test-fuzz: setup
	$(BIN)/python tests/fuzz/run_fuzz.py --examples 5 --phases examples,fuzzing --seed 1

test: lint typecheck check-api-client test-web test-fuzz test-py

clean:
	rm -rf $(VENV) web/node_modules web/dist .mypy_cache .pytest_cache .ruff_cache test-results

## Benchmarks, each against its reference baseline in the same run.
bench-uploads: setup
	$(BIN)/python bench/uploads.py

## The worst files the upload limits accept, each with its peak memory (target <= 1.5 GB).
bench-upload-limits: setup
	$(BIN)/python bench/upload_limits.py

bench-audience: setup
	$(BIN)/python bench/audience.py --no-api
	$(BIN)/python bench/audience.py --customers 1000000

bench-viewer: setup
	$(BIN)/python bench/viewer.py

bench-deploy: setup
	$(BIN)/python bench/deploy.py

## The re-randomised stratified split: 1 M members x 100 salts (target <= 5 s, RSS <= 1 GB).
bench-split: setup
	$(BIN)/python bench/experiments.py

## The daily pool distribution: 200 000 new users over 20 campaigns (target <= 10 s per engine).
bench-distribution: setup
	$(BIN)/python bench/distribution.py

## 50 analysts for 5 minutes over the proxy in front of two instances on a 1 M-customer bank
## (PostgreSQL; `make bench-load LOAD_ARGS="--minutes 1"` for a quick run). Not part of `make test`.
LOAD_ARGS ?=
bench-load: setup
	$(BIN)/python bench/load.py $(LOAD_ARGS)
