# Entry points. `make run` and `make check` are the two set-up commands:
# both install what is missing, configure and build first.

BUILDDIR ?= build
ASANDIR ?= build-asan
# Warnings are errors in CI; locally they stay warnings so a newer
# compiler does not stop a build.
WERROR ?= $(if $(CI),true,false)
MESON_TEST = meson test --print-errorlogs --num-processes 2

FUZZDIR ?= build-fuzz
FUZZ_SECONDS ?= 30

.PHONY: all deps build run check check-main check-asan fuzz bench clean

all: build

deps:
	@build-aux/install-deps.sh

$(BUILDDIR)/build.ninja:
	meson setup $(BUILDDIR) -Dwerror=$(WERROR)

build: deps $(BUILDDIR)/build.ninja
	meson compile -C $(BUILDDIR)

# The consult network on loopback: Orthanc with the fixture studies, a
# demo hub and two huizhen windows (dr.zhou and dr.chen); all stopped on exit.
run: build
	build-aux/run-demo.sh $(BUILDDIR)

check: build
	@status=0; \
	$(MESON_TEST) -C $(BUILDDIR) || status=1; \
	$(MAKE) --no-print-directory check-asan || status=1; \
	$(MAKE) --no-print-directory fuzz || status=1; \
	build-aux/test-summary.py $(BUILDDIR)/meson-logs/testlog.json $(ASANDIR)/meson-logs/testlog.json || status=1; \
	exit $$status

check-main: build
	$(MESON_TEST) -C $(BUILDDIR)

$(ASANDIR)/build.ninja:
	meson setup $(ASANDIR) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=$(WERROR)

# The whole suite again under AddressSanitizer and UBSan.
check-asan: deps $(ASANDIR)/build.ninja
	meson compile -C $(ASANDIR)
	$(MESON_TEST) -C $(ASANDIR)

$(FUZZDIR)/build.ninja:
	CC=clang meson setup $(FUZZDIR) --buildtype=debugoptimized -Dfuzzing=true \
	  -Db_sanitize=address,undefined -Db_lundef=false

# libFuzzer on each target for FUZZ_SECONDS, starting from the corpus in
# the tree; new inputs go to a scratch folder, crashes stop the run. A
# target is built where its test folder is (GStreamer ones in tests/call).
fuzz: deps $(FUZZDIR)/build.ninja
	meson compile -C $(FUZZDIR)
	@for target in $$(ls tests/fuzz/corpus); do \
	  work=$(FUZZDIR)/corpus-$$target; log=$(FUZZDIR)/fuzz-$$target.log; mkdir -p $$work; \
	  echo "fuzzing $$target for $(FUZZ_SECONDS) s"; \
	  bin=$$(find $(FUZZDIR)/tests -type f -name fuzz-$$target -perm -u+x | head -n 1); \
	  if [ -z "$$bin" ]; then echo "no fuzz target fuzz-$$target was built"; exit 1; fi; \
	  $$bin -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -artifact_prefix=$(FUZZDIR)/crash-$$target- $$work tests/fuzz/corpus/$$target > $$log 2>&1; \
	  status=$$?; \
	  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^Done' $$log; \
	  if [ $$status -ne 0 ]; then tail -40 $$log; exit 1; fi; \
	done

bench: build
	meson test -C $(BUILDDIR) --benchmark --verbose

clean:
	rm -rf $(BUILDDIR) $(ASANDIR) $(FUZZDIR)
