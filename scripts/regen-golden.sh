#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Regenerate golden expected files on purpose, after a deliberate change of
# output. First check that the oracle cross-check passes on the captures
# (test/oracle/run.sh): the expected files are anchored by Wireshark
# agreement. Then review `git diff test/golden` before committing.
#
# usage: scripts/regen-golden.sh [NAME...]      (default: every test)
#        NETCAP=path/to/netcap scripts/regen-golden.sh ...
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exec sh "$root/test/golden/run.sh" --regen "${NETCAP:-$root/build/netcap}" "$@"
