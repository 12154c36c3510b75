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
	# The crash test (a 200-deployment server SIGKILLed) runs alone: beside
	# the parallel suite it would starve on a 2-core machine.
	LUNAR_CRASH_TEST=1 $(SWIFT) test --skip-build --filter CrashRestartTests

# The main job: the API server (docs/api.md) on an embedded database under
# ./var, the bundled templates, a synthetic market feed and worker processes.
# Flags and LUNAR_* environment variables: `.build/release/lunar serve --help`.
run: deps
	$(SWIFT) build -c release --product lunar
	mkdir -p var
	$(RELEASE_BIN)/lunar serve $(SERVE_FLAGS)

bench: deps
	$(SWIFT) build -c release --product lunar-bench
	$(SWIFT) build -c release --product lunar
	$(RELEASE_BIN)/lunar-bench
	scripts/bench-http.sh
	scripts/bench-ws.sh

sample-data:
	python3 scripts/generate_sample_data.py

clean:
	rm -rf .build
