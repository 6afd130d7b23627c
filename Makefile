# The two commands of the README's quick start, and the pieces they are made of.
SWIFT ?= swift
PHASE := scripts/phase
.PHONY: deps build run test test-checked bench clean

deps:
	@$(PHASE) deps scripts/install-deps

build: deps
	@$(PHASE) build-release $(SWIFT) build -c release --product collate

# Opens the workbench on the bundled demo session (until the workbench lands: --help).
run: build
	.build/release/collate --help

# The whole suite: unit tests, then the kernel tests again with bounds checks on, so that
# -Ounchecked cannot hide an out-of-bounds access.
test: deps
	@$(PHASE) build-tests $(SWIFT) build --build-tests
	@$(PHASE) tests $(SWIFT) test --skip-build
	@$(PHASE) tests-bounds-checked $(MAKE) --no-print-directory test-checked

test-checked:
	COLLATE_CHECKED=1 $(SWIFT) test --scratch-path .build-checked --filter TensorCoreTests

bench:
	$(SWIFT) build -c release --product collate-bench
	.build/release/collate-bench gemm

clean:
	rm -rf .build .build-checked
