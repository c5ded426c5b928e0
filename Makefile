# Two commands for a newcomer: `make run` (the app) and `make test` (every test). Each creates
# the virtual environment in .venv and installs what it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=

.PHONY: run test test-fast test-e2e test-load validate docs bench bench-page

$(VENV)/.app: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.app requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.app  ## the dashboard on http://localhost:8501
	$(PY) -m streamlit run app.py $(ARGS)

test: $(VENV)/.dev  ## lint, then every test (browser tests included)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(ARGS)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -m fuzz -q $(ARGS)

test-fast: $(VENV)/.dev  ## unit and AppTest tests only
	$(PY) -m pytest -m "not e2e and not load" $(ARGS)

test-load: $(VENV)/.dev  ## the balancer tests only (needs haproxy): short load test, stickiness, a replica killed
	$(PY) -m pytest -m load $(ARGS)

test-e2e: $(VENV)/.dev  ## browser tests only (needs /usr/bin/chromium)
	$(PY) -m pytest -m e2e $(ARGS)

validate: $(VENV)/.app  ## check data/events.csv (or CSV=path)
	$(PY) -m timeline validate $(CSV)

docs: $(VENV)/.app  ## rewrite the generated parts of docs/data.md and README.md from the code
	$(PY) -m timeline docs

bench: $(VENV)/.dev  ## the benchmark, 150 to 1,000,000 events (about 10 min): bench/results.md
	$(PY) bench/run.py $(ARGS)

bench-page: $(VENV)/.dev  ## only the page against the floor app in Chromium (about 5 min): bench/results.md
	$(PY) bench/page.py $(ARGS)

.PHONY: load-test load-test-browser bench-flood serve
REPLICAS ?= 2
PORT ?= 8501

load-test: $(VENV)/.dev  ## protocol load test: app, floor app, and REPLICAS behind HAProxy; figures -> bench/results.md
	$(PY) bench/load_protocol.py $(ARGS)

load-test-browser: $(VENV)/.dev  ## separate sessions in Chromium (needs /usr/bin/chromium): counts, downloads, uploads
	$(PY) bench/load_test.py $(ARGS)

bench-flood: $(VENV)/.dev  ## one client floods (sessions, reruns, clear_cache, HAProxy connections) while another visits (about 5 min)
	$(PY) bench/flood.py $(ARGS)

serve: $(VENV)/.app  ## REPLICAS streamlit processes behind HAProxy on http://localhost:$(PORT) (needs haproxy)
	$(PY) deploy/serve.py --replicas $(REPLICAS) --port $(PORT) $(ARGS)
