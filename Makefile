# The two commands README promises: `make run` and `make test`.
# Both do the whole set-up first (scripts/setup.sh is idempotent).

CARGO ?= cargo

.PHONY: run test setup setup-test bench lint

run: setup
	$(CARGO) run --release --quiet -- replay fixtures/videos/sports2d/demo.mp4 --exercise standing-back-bend

test: setup-test
	$(CARGO) test --release

bench: setup
	$(CARGO) run --release --quiet -- bench

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test
