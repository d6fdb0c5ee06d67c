# nq57 — the two commands: `make run` and `make test`. Everything else is
# what they are made of. Build directories: build/ (release), build-san/
# (ASan + UBSan, used by the tests), build-fuzz/ (clang, libFuzzer targets).

BUILD     ?= build
BUILD_SAN ?= build-san
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 600
MESON_OPTS ?=

.PHONY: all run test build build-san build-fuzz fuzz deps deps-test bench bench-registry bench-network bench-search bench-bibliometrics clean

all: build

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release $(MESON_OPTS)

$(BUILD_SAN)/build.ninja:
	meson setup $(BUILD_SAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
		-Ddebug_arena=true $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-san: deps-test $(BUILD_SAN)/build.ninja
	ninja -C $(BUILD_SAN)

# The libFuzzer targets (fuzz/README.md): clang, ASan + UBSan, coverage.
$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) --buildtype=debug -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Ddebug_arena=true $(MESON_OPTS)

build-fuzz: deps-test $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ) $(patsubst %.c,fuzz/%,$(notdir $(wildcard fuzz/fuzz_*.c)))

# Runs every fuzz target for FUZZ_SECONDS (default 600) each, one after
# the other, and prints executions, coverage and corpus size per target.
fuzz: build-fuzz
	fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

# Serves the demo on SQLite at http://127.0.0.1:8057 (NQ57_* variables apply).
# The default var/nq57.db gets the demo units and a demo administrator
# while it has no people (never a database named by NQ57_DB).
run: build
	@mkdir -p var
	@[ -n "$${NQ57_DB:-}" ] || scripts/demo-seed.sh $(BUILD)/nq57 sqlite:var/nq57.db
	$(BUILD)/nq57 serve

# Every test: unit (cmocka), API on SQLite and PostgreSQL, browser. The
# release build is built too, so that `make run` stays warning-free at -O3.
test: build build-san build-fuzz
	FUZZ_BUILD=$(BUILD_FUZZ) tests/run.sh $(BUILD_SAN)

bench:
	@scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory build
	BUILD=$(BUILD) bench/http.sh
	BUILD=$(BUILD) bench/import.sh

bench-registry: build
	BUILD=$(BUILD) bench/registry.sh

bench-network: build
	BUILD=$(BUILD) bench/network.sh

bench-search: build
	BUILD=$(BUILD) bench/search.sh

bench-bibliometrics: build
	BUILD=$(BUILD) bench/bibliometrics.sh

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ)
