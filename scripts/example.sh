#!/bin/sh
# The main job on the bundled example: installs what is needed (Debian 12,
# as root), builds, validates examples/kz-2023/election.json, builds the kit
# of every ballot into kits/ (audio, stencils, braille, large print,
# leaflets, manifests, index, packing lists) and verifies them against the
# definition.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh build
export BALLOTKIT_TEMPLATES="$PWD/templates"
./build/ballotkit validate examples/kz-2023/election.json
echo
echo "Kits of every ballot of the example election, in kits/:"
./build/ballotkit build examples/kz-2023/election.json -o kits
echo
./build/ballotkit verify kits --definition examples/kz-2023/election.json
echo
echo "Packing list of polling station 101 (kits/packing/ps-0101.txt):"
cat kits/packing/ps-0101.txt
