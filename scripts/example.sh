#!/bin/sh
# The main job on the bundled example: installs what is needed (Debian 12,
# as root), builds, validates examples/kz-2023/election.json, builds the kit
# of every ballot into out/kits/ (audio, stencils, braille, large print,
# leaflets, manifests) with the index and packing lists in out/, and
# verifies them against the definition.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh build
export BALLOTKIT_TEMPLATES="$PWD/templates"
./build/ballotkit validate examples/kz-2023/election.json
echo
echo "Kits of every ballot of the example election, in out/kits/:"
./build/ballotkit build examples/kz-2023/election.json -o out
echo
./build/ballotkit verify out --definition examples/kz-2023/election.json
echo
echo "The stencils imposed on SRA3 press sheets for the print shop, with a job"
echo "ticket (out/print-job/job-ticket.json and .csv; docs/print-shop.md):"
./build/ballotkit print-job out -o out/print-job
./build/ballotkit verify out/print-job
echo
echo "The stencil of maslikhat-abai-list is made from its ballot's own PDF"
echo "(examples/kz-2023/ballot-maslikhat-abai-list.pdf, paper.source): the ballot"
echo "page with the stencil over it is"
echo "out/kits/maslikhat-abai-list/stencil/maslikhat-abai-list-ballot-proof.pdf"
echo
echo "Packing list of polling station 101 (out/packing/ps-0101.txt):"
cat out/packing/ps-0101.txt
echo
echo "The same list to print and put in the box, with its labels:"
echo "out/packing/ps-0101.pdf"
