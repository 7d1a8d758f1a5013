#!/bin/sh
# Installs what is needed (Debian 12, as root), builds, and runs every test.
#   scripts/test.sh              ordinary build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer in build-sanitize/
# Ends with the line "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
if [ "${1:-}" = "--sanitize" ]; then
	dir=build-sanitize
	sh scripts/build.sh "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug -Dwerror=true
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
	suites="--no-suite slow --no-suite property-full"
else
	dir=build
	sh scripts/build.sh "$dir" -Dwerror=true
	suites="--no-suite property-full"
fi
status=0
# shellcheck disable=SC2086
meson test -C "$dir" --print-errorlogs $suites || status=$?
/usr/bin/python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL", "SKIP"):
        passed += r != "SKIP"
    else:
        failed += 1
print("%d passed, %d failed" % (passed, failed))
PY
exit $status
