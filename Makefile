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
	# Tests that need the machine to themselves (the 200-deployment crash
	# test, timing tests: slow writes, slow clients, latency under hostile
	# uploads, the hostile scripts' CPU quotas; the whole-server fault log) run after
	# the parallel suite, one at a time (run side by side, the crash test's
	# 200 deployments once slowed the slow-write timing test past its bound).
	LUNAR_ALONE=1 $(SWIFT) test --skip-build --no-parallel --filter "CrashRestartTests|readsDoNotWaitBehindASlowWrite|FaultLogTests|MarketTimeRestartTests|SlowClientTests|uploadsRunInWorkersWhileHealthAnswersPromptly|HostileScriptTests|WebSocketRevocationTests|SessionRevocationTimingTests|theSandboxQueueBoundsEachUserAndTheServer"

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
	scripts/bench-optimize.sh

sample-data:
	python3 scripts/generate_sample_data.py

clean:
	rm -rf .build
