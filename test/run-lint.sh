#!/bin/sh
# Static analysis (docs/HARDENING.md): cppcheck and clang-tidy on decoders/,
# records/, app/ and test/fuzz/. Both must be clean: a finding is fixed or
# suppressed in place with a reason (cppcheck: "// cppcheck-suppress ID
# reason"; clang-tidy: "// NOLINT(check): reason"). Checks and the ones
# left out, with reasons: .clang-tidy, .cppcheck.
# clang-tidy reads build/lint/compile_commands.json, written here from
# the Makefile's flags (DPDK and other system headers as -isystem, so
# findings inside them are not ours). Needs build/gen (run make first).
# Findings in files other engineers own are listed in test/lint-known.txt
# until fixed in place; they are shown but do not fail.
#   test/run-lint.sh              LINT_JOBS (default 2)
set -u
cd "$(dirname "$0")/.."
JOBS=${LINT_JOBS:-2}
fail=0
if [ ! -e build/gen/netcap.pb-c.h ]; then
	echo "lint: build/gen/netcap.pb-c.h missing (run make first)"
	exit 1
fi
SRC="decoders records app test/fuzz"
# the decoders by layer live in decoders/<layer>/ (docs/ARCHITECTURE.md)
DEC_INC=$(for d in decoders decoders/*/; do printf -- "-I%s " "${d%/}"; done)

# cppcheck: system headers are not parsed; the protobuf-c version the
# generated header checks for is given instead.
if cppcheck -q -j "$JOBS" --enable=warning,performance,portability \
	--error-exitcode=1 --inline-suppr --suppressions-list=.cppcheck \
	--std=c11 -D_GNU_SOURCE -DPROTOBUF_C_VERSION_NUMBER=1004001 \
	-DPROTOBUF_C_MIN_COMPILER_VERSION=1000000 \
	$DEC_INC -Irecords -Ibuild/gen -Iapp -Itest/fuzz $SRC \
	>build/lint-cppcheck.log 2>&1; then
	echo "lint: cppcheck clean"
else
	echo "lint: cppcheck FAILED:"
	cat build/lint-cppcheck.log
	fail=1
fi

mkdir -p build/lint
/usr/bin/python3 - "$SRC" "$DEC_INC" <<'PYEOF' || exit 1
import glob, json, os, subprocess, sys
flags = subprocess.run(["pkg-config", "--cflags", "libdpdk", "libpcap",
                        "libprotobuf-c", "liblz4", "jansson"],
                       capture_output=True, text=True, check=True).stdout.split()
flags = ["-isystem" + f[2:] if f.startswith("-I/usr") else f for f in flags]
cwd = os.getcwd()
db = []
for d in sys.argv[1].split():
    for f in sorted(glob.glob(d + "/*.c") + glob.glob(d + "/*/*.c")):
        db.append({"directory": cwd, "file": f,
                   "arguments": ["clang-14", "-std=gnu11", "-D_GNU_SOURCE",
                                 ] + sys.argv[2].split() + ["-Irecords", "-Ibuild/gen",
                                 "-Iapp", "-Itest/fuzz"] + flags +
                                ["-c", f, "-o", "/dev/null"]})
with open("build/lint/compile_commands.json", "w") as fh:
    json.dump(db, fh, indent=1)
PYEOF
run-clang-tidy -quiet -j "$JOBS" -p build/lint \
	'decoders/|records/|app/|test/fuzz/' >build/lint-tidy.log 2>&1
grep -E "(warning|error): " build/lint-tidy.log | sed 's/\x1b\[[0-9;]*m//g' |
	sed "s|^$(pwd)/||" | sort -u >build/lint-tidy.findings
# findings listed in test/lint-known.txt (files others are editing) are
# shown but do not fail; everything else does
new=0
while IFS= read -r f; do
	path=${f%%:*}
	check=$(echo "$f" | sed -n 's/.*\[\([a-z0-9.-]*\).*\]$/\1/p')
	if grep -q "^$path $check " test/lint-known.txt; then
		echo "lint: known, to fix in place: $f"
	else
		echo "lint: $f"
		new=$((new + 1))
	fi
done <build/lint-tidy.findings
nfiles=$(grep -c '"file"' build/lint/compile_commands.json)
if [ $new = 0 ]; then
	echo "lint: clang-tidy clean ($nfiles files, $(wc -l <build/lint-tidy.findings) known findings)"
else
	echo "lint: clang-tidy FAILED: $new findings"
	fail=1
fi
exit $fail
