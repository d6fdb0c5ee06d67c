# nq57 — the two commands: `make run` and `make test`. Everything else is
# what they are made of. Build directories: build/ (release), build-san/
# (ASan + UBSan, used by the tests).

BUILD     ?= build
BUILD_SAN ?= build-san
MESON_OPTS ?=

.PHONY: all run test build build-san deps deps-test bench clean

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

# Serves the demo on SQLite at http://127.0.0.1:8057 (NQ57_* variables apply).
# The default var/nq57.db gets the demo units and a demo administrator
# while it has no people (never a database named by NQ57_DB).
run: build
	@mkdir -p var
	@[ -n "$${NQ57_DB:-}" ] || scripts/demo-seed.sh $(BUILD)/nq57 sqlite:var/nq57.db
	$(BUILD)/nq57 serve

# Every test: unit (cmocka), API on SQLite and PostgreSQL, browser. The
# release build is built too, so that `make run` stays warning-free at -O3.
test: build build-san
	tests/run.sh $(BUILD_SAN)

bench:
	@scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory build
	BUILD=$(BUILD) bench/http.sh
	BUILD=$(BUILD) bench/import.sh

clean:
	rm -rf $(BUILD) $(BUILD_SAN)
