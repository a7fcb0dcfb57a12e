# The two commands of the README: `make start` and `make test`.
SHELL := /bin/bash
.PHONY: start test build bench lint

start:
	@scripts/start.sh

test:
	@scripts/test.sh

build:
	@npm run --silent build

bench:
	@scripts/bench.sh

lint:
	@npx eslint .
