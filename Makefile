# The two set-up commands: `make run` (the main job) and `make test`.
SWIFT ?= swift
RELEASE_BIN = .build/release

.PHONY: deps build test run bench sample-data clean

deps:
	@scripts/ensure-system-packages.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

run: deps
	$(SWIFT) build -c release --product lunar
	$(RELEASE_BIN)/lunar replay strategies/sma_crossover.lua --data data/sample-btcusd-1h.csv

bench: deps
	$(SWIFT) build -c release --product lunar-bench
	$(RELEASE_BIN)/lunar-bench

sample-data:
	python3 scripts/generate_sample_data.py

clean:
	rm -rf .build
