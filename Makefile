# Module BTF for Linux 5.10: build, boot and test the patch series.
# See README.md. Everything built lands in build/ (ignored by git).

SHELL := /bin/bash
S := scripts
# The steps share build/ and one base download: one at a time, even
# under make -j.
.NOTPARALLEL:

.PHONY: run check deps fetch tree stock-tree rebase export build build-debug \
	build-stock test test-debug negative-control build-each fuzz bench deb shell clean help

help:
	@sed -n 's/^## //p' Makefile

## run             build the patched kernel, boot it, show module BTF working
run: deps tree
	$(S)/build.sh default
	$(S)/prepare-tests.sh default
	$(S)/vm.sh -v default -- tests/guest/demo.sh

## check           everything CI runs: both variants, all tests, negative control
check: deps tree stock-tree
	$(S)/check.sh

## deps            install (as root) or list the packages the project needs
deps:
	$(S)/deps.sh

## fetch           download and verify the pinned 5.10 base
fetch:
	$(S)/fetch-base.sh >/dev/null

## tree            build/linux: the base as a git commit with patches/ applied
tree:
	$(S)/tree.sh

stock-tree:
	$(S)/tree.sh stock none

## rebase          after a change of base.conf: the series on the new base,
##                 stopping at the first conflict for you to resolve
rebase: deps
	$(S)/tree.sh linux rebase
	$(S)/tree.sh stock none

## export          write the tree's commits back into patches/
export:
	$(S)/export.sh

## build           build the default (patched) kernel; build-debug, build-stock
build: tree
	$(S)/build.sh default
build-debug: tree
	$(S)/build.sh debug
build-stock: stock-tree
	$(S)/build.sh stock

## build-each      build the tree after each patch of the series
build-each: tree
	$(S)/build-each.sh

## test            run the guest tests on the default kernel; test-debug
test: build
	$(S)/suite.sh default
test-debug: build-debug
	$(S)/suite.sh debug

## fuzz            the whole fuzz campaign (make check runs a slice): fuzzed
##                 module BTF on the default and debug kernels, user BTF
##                 verdicts against stock 5.10 (FUZZ_CASES=20000,
##                 FUZZ_DEBUG_CASES=2000)
fuzz: deps tree stock-tree
	$(S)/fuzz.sh $(or $(FUZZ_CASES),20000) $(or $(FUZZ_DEBUG_CASES),2000)

## bench           module BTF on 5.10 with the series against upstream's 6.1
##                 (Debian 12's linux-source-6.1), side by side: a table, raw
##                 samples and a plot in build/bench/ (docs/benchmarks.md;
##                 BENCH_SAMPLES=100, BENCH_BOOTS=5)
bench: deps tree
	$(S)/deps.sh bench
	$(S)/bench.sh $(or $(BENCH_SAMPLES),100) $(or $(BENCH_BOOTS),5)

## shell           an interactive shell in the default kernel (VARIANT=debug...)
shell: deps tree
	$(S)/build.sh $(or $(VARIANT),default)
	$(S)/prepare-tests.sh $(or $(VARIANT),default)
	$(S)/vm.sh -v $(or $(VARIANT),default) -s

## deb             Debian packages of the patched kernel from Debian 11's own
##                 configuration (see scripts/deb.sh; BULLSEYE=1: gcc 10 chroot)
deb: tree
	$(S)/deps.sh deb
	$(S)/deb.sh

## negative-control  run the tests on the unpatched base: module BTF tests must fail
negative-control: build-stock
	$(S)/negative-control.sh

## clean           remove build/ (or BUILD=...; the download cache in ~/.cache/modbtf stays)
clean:
	. $(S)/lib.sh && rm -rf "$$BUILD"
