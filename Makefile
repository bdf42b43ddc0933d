# edubureau - build, demo and tests. See README.md.
#   make            build build/edubureau (release)
#   make demo       install what is missing, build, create the demo county, serve on :8080
#   make check      install what is missing, build with ASan/UBSan, run every test
#   make bench      province-size benchmark (bench/run.sh)

CC      ?= gcc
PKGS    := libmicrohttpd jansson sqlite3 libsodium xlsxwriter libzip expat zlib libpq
CFLAGS  := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -g -Isrc -Ibuild \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
OPT     := -O2
SAN     := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
ASSETS   := $(shell find web migrations -type f | sort) node_modules/echarts/dist/echarts.min.js
UNIT_SRC := $(wildcard tests/unit/test_*.c)

REL_OBJ  := $(patsubst src/%.c,build/rel/%.o,$(SRC)) build/rel/assets.o
SAN_OBJ  := $(patsubst src/%.c,build/san/%.o,$(SRC)) build/san/assets.o
SAN_LIB  := $(filter-out build/san/main.o,$(SAN_OBJ))
UNIT_BIN := $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRC))

.PHONY: all deps deps-test demo check unit api browser bench clean objs
all: build/edubureau

deps:
	@scripts/deps.sh
deps-test:
	@scripts/deps.sh --test

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -o $@ $< -lz

build/assets.c: build/embed $(ASSETS)
	build/embed $@ $(ASSETS)

build/rel/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(OPT) -MMD -MP -c -o $@ $<
build/rel/assets.o: build/assets.c
	$(CC) $(CFLAGS) $(OPT) -w -c -o $@ $<
build/san/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -MMD -MP -c -o $@ $<
build/san/assets.o: build/assets.c
	$(CC) $(CFLAGS) $(SAN) -w -c -o $@ $<

build/edubureau: $(REL_OBJ)
	$(CC) $(OPT) -o $@ $^ $(LDLIBS)
build/edubureau-san: $(SAN_OBJ)
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)
build/tests/%: tests/unit/%.c $(SAN_LIB)
	@mkdir -p build/tests
	$(CC) $(CFLAGS) $(SAN) -Itests/unit -o $@ $< $(SAN_LIB) $(LDLIBS) -lcmocka

# Compile every source file (useful while other files are still missing).
objs: $(patsubst src/%.c,build/rel/%.o,$(SRC))

demo: deps
	$(MAKE) build/edubureau
	build/edubureau demo --db edubureau-demo.db --port 8080

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

api: build/edubureau-san
	EDUBUREAU_BIN=$(CURDIR)/build/edubureau-san node --test --test-concurrency=1 tests/api/

browser: build/edubureau-san
	EDUBUREAU_BIN=$(CURDIR)/build/edubureau-san node --test --test-concurrency=1 tests/browser/

check: deps-test
	$(MAKE) build/edubureau build/edubureau-san $(UNIT_BIN)
	$(MAKE) unit
	$(MAKE) api
	$(MAKE) browser

bench: build/edubureau
	@scripts/deps.sh --bench
	bench/run.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
