# The two commands: `make run` serves the API with seeds loaded; `make test` runs every test.
# Both install what they need first (virtualenv, Python packages, Elasticsearch, the NER server,
# Redis, browser).

VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
ES      := scripts/elasticsearch
NER     := scripts/ner-server
REDIS   := scripts/redis-server
# Without ES_URL the project runs its own local node: the script starts it (it must not see
# an ES_URL then, or it would only check a node nobody started), and only that node may be
# restarted by the durability test. The app and the tests get the node's URL either way.
ifeq ($(origin ES_URL), undefined)
export ES_RESTARTABLE := 1
ES_START := ES_URL= $(ES) start
ES_URL   := $(shell $(ES) url)
else
ES_START := $(ES) start
endif
export ES_URL
# The same for the NER server: started unless NER_URL names one somebody else runs.
ifeq ($(origin NER_URL), undefined)
NER_START := NER_URL= $(NER) start
NER_URL   := $(shell $(NER) url)
else
NER_START := $(NER) start
endif
export NER_URL
# And for the job broker: a local Redis unless BROKER_URL names a shared one.
ifeq ($(origin BROKER_URL), undefined)
REDIS_START := BROKER_URL= $(REDIS) start
BROKER_URL  := $(shell $(REDIS) url)
else
REDIS_START := $(REDIS) start
endif
export BROKER_URL

.DEFAULT_GOAL := help
.PHONY: help install run worker test test-fast lint es-start es-stop es-status ner-start ner-stop ner-status \
	redis-start redis-stop redis-status seed bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	scripts/install-system-deps
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its test tools

es-start: ## start the local Elasticsearch (or check ES_URL)
	$(ES_START)

es-stop: ## stop the local Elasticsearch
	$(ES) stop

es-status: ## is Elasticsearch up?
	$(ES) status

ner-start: ## start the local NER server (or check NER_URL)
	$(NER_START)

ner-stop: ## stop the local NER server
	$(NER) stop

ner-status: ## is the NER server up?
	$(NER) status

redis-start: ## start the local Redis job broker (or check BROKER_URL)
	$(REDIS_START)

redis-stop: ## stop the local Redis
	$(REDIS) stop

redis-status: ## is the job broker up?
	$(REDIS) status

seed: install es-start ner-start ## load seeds/ into the index (idempotent)
	$(BIN)/flask --app api ingest seeds/

# The options of every job worker (api/worker.py says why; tests/unit/test_broker.py checks).
WORKER_ARGS := --without-gossip --without-mingle --without-heartbeat

# supervisord (scripts/supervisord.conf) runs gunicorn and one job worker, restarts either when
# it dies, and stops both on Ctrl-C; `make worker` adds more workers (other hosts).
RUN_STATE_DIR ?= $(HOME)/.cache/article-api/run

run: install es-start ner-start redis-start seed ## serve the API on :8000 (seeds loaded) and one job worker
	mkdir -p $(RUN_STATE_DIR)
	PATH="$(CURDIR)/$(BIN):$$PATH" RUN_STATE_DIR=$(RUN_STATE_DIR) WORKER_ARGS="$(WORKER_ARGS)" \
		$(BIN)/supervisord -c scripts/supervisord.conf

worker: install es-start ner-start redis-start ## run a job worker (WORKER_CONCURRENCY processes)
	exec $(BIN)/celery -A api.worker worker $(WORKER_ARGS) --loglevel INFO

test: lint es-start ner-start ## lint, then run the whole test suite against the real Elasticsearch
	scripts/install-browser
	$(BIN)/pytest

test-fast: install ner-start ## the unit and pipeline tests (no Elasticsearch node), in seconds
	$(BIN)/pytest tests/unit tests/pipeline -q

lint: install ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install es-start ner-start ## run every benchmark (see bench/README.md for each one alone)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/memory.py
