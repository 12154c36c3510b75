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

# The main job until the server exists: a backtest with its HTML report, then
# the same strategy live on paper against the synthetic market for 30 s.
run: deps
	$(SWIFT) build -c release --product lunar
	mkdir -p var
	$(RELEASE_BIN)/lunar backtest strategies/sma_crossover.lua --data data/sample-btcusd-1h.csv \
		--commission-bps 10 --report var/sma_crossover-report.html
	$(RELEASE_BIN)/lunar run strategies/sma_crossover.lua --feed synthetic --speed 600 --duration 30

bench: deps
	$(SWIFT) build -c release --product lunar-bench
	$(SWIFT) build -c release --product lunar
	$(RELEASE_BIN)/lunar-bench

sample-data:
	python3 scripts/generate_sample_data.py

clean:
	rm -rf .build
