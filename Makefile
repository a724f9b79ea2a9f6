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
