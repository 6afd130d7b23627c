# The two commands of the README's quick start, and the pieces they are made of.
SWIFT ?= swift
PHASE := scripts/phase
.PHONY: deps build run test test-checked crosscheck bench demo-model demo-loop clean

deps:
	@$(PHASE) deps scripts/install-deps

build: deps
	@$(PHASE) build-release $(SWIFT) build -c release --product collate

# Opens the workbench on the bundled demo session (sessions/demo; imported on first open).
run: build
	.build/release/collate open demo

# The whole suite: unit tests, then the kernel tests again with bounds checks on, so that
# -Ounchecked cannot hide an out-of-bounds access.
test: deps
	@$(PHASE) build-tests $(SWIFT) build --build-tests
	@$(PHASE) tests $(SWIFT) test --skip-build
	@$(PHASE) tests-bounds-checked $(MAKE) --no-print-directory test-checked
	@$(PHASE) crosscheck $(MAKE) --no-print-directory crosscheck

test-checked:
	COLLATE_CHECKED=1 $(SWIFT) test --scratch-path .build-checked

# Against the reference implementations (transformers, tokenizers, safetensors, peft) in a
# venv outside the clone. Exit 2 from a check means "could not run": reported loudly as
# SKIPPED, never as passed, and it does not fail the build; any other failure does.
crosscheck:
	@for check in crosscheck/formats_crosscheck.sh crosscheck/model_crosscheck.sh crosscheck/scale_crosscheck.sh crosscheck/gguf_crosscheck.sh; do \
	  rc=0; $$check || rc=$$?; \
	  if [ $$rc -eq 2 ]; then echo "!!! CROSS-CHECK SKIPPED: $$check (reference venv or download unavailable)"; \
	  elif [ $$rc -ne 0 ]; then exit $$rc; fi; \
	done

# Retrains the bundled demo model (sessions/demo/model) from scratch with the release build:
# the recipe's numeric code outside the kernels is several times slower in a debug build.
demo-model: build
	@$(PHASE) demo-build .build/release/collate demo build --resume
	.build/release/collate demo eval

# The runs of README "The loop on the demo": `collate run demo` for six seeds and the four
# ablations, two at a time, outputs in loop-runs/ (about an hour on two cores).
demo-loop: build
	scripts/demo-loop

bench:
	$(SWIFT) build -c release --product collate-bench
	.build/release/collate-bench gemm

clean:
	rm -rf .build .build-checked
