# Short targets over uv. `make run` and `make test` are all a newcomer needs.
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PY := $(UV) run --frozen
PORT ?= 8000

.PHONY: run test test-slow test-all worker beat lint fmt demo bench audit sandbox uv sync env

uv:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --user --quiet uv \
		|| python3 -m pip install --user --quiet --break-system-packages uv

sync: uv
	@$(UV) sync --frozen --quiet

env: sync
	@$(PY) python bin/ensure_env.py

run: env
	@$(PY) python manage.py migrate --noinput
	@$(PY) python manage.py bootstrap_local
	@# Scheduled automations: a small loop beside the server (celery beat does it in production).
	@$(PY) python manage.py automations_scheduler & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
		$(PY) python manage.py runserver 127.0.0.1:$(PORT)

test: env
	$(PY) pytest -m "not slow"

test-slow: env
	$(PY) pytest -m slow

test-all: env
	$(PY) pytest

worker: env
	$(PY) celery -A phinite_notion worker --loglevel=INFO --concurrency=4

beat: env
	$(PY) celery -A phinite_notion beat --loglevel=INFO

sandbox: env
	$(PY) python manage.py notion_sandbox --port 8765

lint: sync
	$(PY) ruff check .
	$(PY) ruff format --check .

fmt: sync
	$(PY) ruff format .
	$(PY) ruff check --fix .

demo: env
	$(PY) python manage.py demo

bench: env
	$(PY) python bench/tokens.py
	$(PY) python bench/limiter.py
	$(PY) python bench/overhead.py
	$(PY) python bench/fairness.py
	$(PY) python bench/action_log.py
	$(PY) python bench/webhooks.py

audit: sync
	$(UV) export --frozen --format requirements-txt -o /tmp/phinite-requirements.txt -q
	$(PY) pip-audit -r /tmp/phinite-requirements.txt --require-hashes --strict
