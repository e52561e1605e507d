# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test venv lock bench bench-api bench-memory bench-reads bench-pages bench-scaling bench-webhooks cluster-up cluster-down cluster-reset clean

run: $(STAMP)
	SCALE="$(SCALE)" $(PY) scripts/run_platform.py

test: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	$(PY) -m pytest $(PYTEST_ARGS)

venv: $(STAMP)

# (Re)build the virtual environment whenever the pins or the project change.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=...)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-pin after changing pyproject.toml's ranges and running the tests.
lock:
	$(PY) -m pip freeze --all --exclude-editable | grep -v '^remittances-observatory' > requirements.lock

bench: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	$(PY) bench/import_rpw.py

bench-api: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	@command -v wrk >/dev/null || (apt-get install -y -q --no-install-recommends wrk >/dev/null 2>&1 || echo "install wrk (Debian: apt-get install wrk)")
	$(PY) bench/gateway.py

bench-reads: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	@command -v wrk >/dev/null || (apt-get install -y -q --no-install-recommends wrk >/dev/null 2>&1 || echo "install wrk (Debian: apt-get install wrk)")
	$(PY) bench/reads_during_import.py

cluster-up:
	python3 scripts/rabbit_cluster.py up

cluster-down:
	python3 scripts/rabbit_cluster.py down

# A fresh cluster: forgets the saved state (what `up` says to do when no node can boot from it).
cluster-reset:
	python3 scripts/rabbit_cluster.py reset

bench-memory: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	$(PY) bench/ingest_memory.py

bench-pages: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	$(PY) bench/pages.py

.PHONY: bench-analysis
bench-analysis: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	$(PY) bench/analysis.py

.PHONY: bench-sdmx
bench-sdmx: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	$(PY) bench/sdmx.py

bench-scaling: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	$(PY) bench/scaling.py

bench-webhooks: $(STAMP)
	$(PY) scripts/rabbitmq.py ensure --management
	$(PY) bench/webhooks.py

clean:
	rm -rf $(VENV) .run build *.egg-info
