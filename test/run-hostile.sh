#!/bin/sh
# Hostile input and hard stops (docs/HARDENING.md), the part of make test
# after the ASan suite:
#   1. short libFuzzer runs of every target (300 s shared among them, or
#      FUZZ_SECONDS each; fixed seed)
#   2. mutated captures through the ASan+UBSan capture (MUTATE_TOTAL
#      mutants over all captures, or MUTATE_N each)
#   3. SIGKILL at random points, every file readable up to its last block
#   4. a full disk: one clear error, exit 1, every file valid (root only)
#   5. cppcheck and clang-tidy
# NETCAP (optimized build, kill and disk tests), NETCAP_ASAN (mutation test)
#   test/run-hostile.sh FUZZ_TARGET...
set -u
cd "$(dirname "$0")/.."
: "${NETCAP:=build/netcap}" "${NETCAP_ASAN:=build/asan/netcap}"
fail=0
step() {
	echo "== $*"
	t0=$(date +%s)
	if ! "$@"; then
		echo "FAIL: $*"
		fail=1
	fi
	echo "   ($(($(date +%s) - t0)) s)"
}
step test/fuzz/run.sh "$@"
step test/run-mutate.sh "$NETCAP_ASAN"
step test/run-killtest.sh "$NETCAP"
step test/run-diskfull.sh "$NETCAP"
step test/run-lint.sh
[ $fail = 0 ] && echo "hostile: all passed"
exit $fail
