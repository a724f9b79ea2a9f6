# GridWatch: `make demo` and `make test` set up everything they need on a fresh Debian machine.
.PHONY: setup demo test lint bench clean

setup:
	@bash scripts/setup.sh

demo: setup
	@.venv/bin/gridwatch demo --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

test: setup
	@bash scripts/run_tests.sh $(ARGS)

lint: setup
	@.venv/bin/ruff check .

bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; .venv/bin/python $$f --quick || exit 1; done

clean:
	rm -rf var tests/artifacts .pytest_cache

# Hardening (issue 9): the long runs; their quick variants are part of `make test`.
.PHONY: load faults bench-scale fuzz
load: setup
	@.venv/bin/python bench/load_test.py $(ARGS)

faults: setup
	@.venv/bin/python bench/bench_faults.py $(ARGS)

bench-scale: setup
	@.venv/bin/python bench/bench_postgis_scale.py $${ROWS:+--rows $$ROWS} $(ARGS)

fuzz: setup
	@.venv/bin/python bench/bench_fuzz.py $(ARGS)
