#!/bin/sh
# A timed libFuzzer run of the definition parser (clang from Debian, with
# AddressSanitizer and UndefinedBehaviorSanitizer). Figures go to
# docs/fuzzing.md. Usage: tests/fuzz/run.sh [SECONDS]
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-600}
sh scripts/setup.sh
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null
fi
ninja -C build-fuzz >/dev/null
work=$(mktemp -d)
cp tests/fuzz/corpus/* tests/broken/*.json examples/*/*.json "$work/"
export BALLOTKIT_TEMPLATES="$PWD/templates"
./build-fuzz/tests/fuzz-definition -max_total_time="$secs" -max_len=65536 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work" 2>&1 | tail -8
echo "corpus and any crash files: $work"
