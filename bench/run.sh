#!/bin/sh
# ballotkit benchmarks. Builds a release build in build-bench/, generates the
# national-size election (bench/gen_national.py, ~3,100 ballots, ~16,000
# candidates) and measures each stage against its target. Later issues add
# their measurements here. Figures go to docs/performance.md by hand.
#   bench/run.sh [--scale F] [--runs N]
set -eu
cd "$(dirname "$0")/.."
scale=1.0
runs=5
while [ $# -gt 0 ]; do
	case $1 in
	--scale) scale=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	*) echo "usage: bench/run.sh [--scale F] [--runs N]" >&2; exit 64 ;;
	esac
done
sh scripts/setup.sh
sh scripts/build.sh build-bench -Dbuildtype=release
export BALLOTKIT_TEMPLATES="$PWD/templates"
mkdir -p bench/out
def=bench/out/national-$scale.json
/usr/bin/python3 bench/gen_national.py --scale "$scale" -o "$def" \
	--tables bench/out/national-$scale-tables --xlsx bench/out/national-$scale.xlsx
bk=./build-bench/ballotkit

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(uname -m)"
echo "definition: $def, $(wc -c < "$def") bytes"
$bk validate "$def" | tail -4

# validate: target well under 1 s and under 100 MB (issue 2)
best=""; rss=0
i=0
while [ $i -lt "$runs" ]; do
	/usr/bin/time -f "%e %M" -o bench/out/time.txt $bk validate "$def" >/dev/null
	read -r sec kb < bench/out/time.txt
	best=$(/usr/bin/python3 -c "import sys; a=sys.argv[1]; b=float(sys.argv[2]); print(b if a=='' else min(float(a), b))" "$best" "$sec")
	[ "$kb" -gt "$rss" ] && rss=$kb
	i=$((i + 1))
done
echo "validate: best of $runs runs ${best} s, peak memory $((rss / 1024)) MB  (target: well under 1 s, under 100 MB)"

# import: the national tables, as CSV files and as a workbook, into a
# definition (bench-import: the import alone, median of $runs runs and peak
# memory), then `ballotkit import` as a user runs it, validation included
# (issue 16: under 2 s and 200 MB)
./build-bench/bench/bench-import "$runs" bench/out/national-$scale-tables/*.csv
./build-bench/bench/bench-import "$runs" bench/out/national-$scale.xlsx
/usr/bin/time -f "ballotkit import (with validation): %e s, peak memory %M KB" \
	$bk import bench/out/national-$scale-tables/*.csv -o bench/out/imported.json 2>&1 | tail -1
# NIST SP 1500-20: the national definition out and back (both validate)
/usr/bin/time -f "ballotkit export --format nist-1500-20: %e s, peak memory %M KB" \
	$bk export "$def" --format nist-1500-20 -o bench/out/national-bd.json 2>&1 | tail -1
/usr/bin/time -f "ballotkit import --from nist-1500-20: %e s, peak memory %M KB" \
	$bk import --from nist-1500-20 bench/out/national-bd.json -o bench/out/national-back.json 2>&1 | tail -1

# scripts for every ballot in both languages (reference for later stages)
/usr/bin/time -f "%e %M" -o bench/out/time.txt $bk script "$def" >/dev/null
read -r sec kb < bench/out/time.txt
echo "script (all $(grep -o '"body"' "$def" | wc -l) ballots x 2 languages): ${sec} s, peak memory $((kb / 1024)) MB"

# braille: ballotkit's translation against raw liblouis on the same names,
# back-translation, and a 20-page swell leaflet (issue: braille)
./build-bench/bench/bench-braille "$def"

# braille layout against text length: leaflets of 10, 100 and 1,000 pages,
# one paragraph and short ones; a 100-page one takes no more than 2x the
# time per page of a 10-page one (issue 14, bounds)
./build-bench/bench/bench-layout 10 100 1000

# stencils: one (print PDF + SVG) and all of them, one process and two
# worker processes (issue: stencils)
mkdir -p bench/out/stencils
./build-bench/bench/bench-stencil "$def" bench/out/stencils

# boxes: the box finder on a one-page vector ballot (A4, 40 boxes) and a
# 300 dpi scan of it (issue 17, item 6: under 50 ms and under 500 ms)
./build-bench/bench/bench-boxes "$runs" bench/out

# audio: the baseline (espeak-ng -w + lame) against ballotkit on the same
# ballots and processes, the national set on two processes, and the decoded
# loudness of a sample (issue: audio ballot)
/usr/bin/python3 bench/audio.py $bk "$def" bench/out/audio --jobs 2

# kits: the national election end to end with the default formats on two
# workers, a resumed build with nothing to do, verify of a sample
# (issue: kits)
/usr/bin/python3 bench/kits.py $bk "$def" bench/out/kits --jobs 2

# print-job: the national set's stencil print and swell PDFs (built on two
# workers) imposed on SRA3 sheets, verify's check of the job included; then
# verify of the job alone (issue 19, item 4: under 2 minutes on 2 cores,
# under 500 MB a process)
rm -rf bench/out/press
$bk build "$def" -o bench/out/press --formats stencil-print-pdf,stencil-swell-pdf \
	--jobs 2 >/dev/null 2>&1
/usr/bin/time -f "print-job, national on SRA3 (self-check included): %e s, %U s user, peak memory %M KB" \
	$bk print-job bench/out/press -o bench/out/press/print-job 2>&1 | tail -1
echo "  $(/usr/bin/python3 -c "import json,sys; t=json.load(open(sys.argv[1]))['totals']; print('%(files)d files, %(sheets)d sheets, %(slots)d slots' % t)" bench/out/press/print-job/job-ticket.json), $(du -sh bench/out/press/print-job | cut -f1)"
/usr/bin/time -f "verify of the print job: %e s, peak memory %M KB" \
	$bk verify bench/out/press/print-job 2>&1 | tail -1
