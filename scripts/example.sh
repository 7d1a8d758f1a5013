#!/bin/sh
# The main job on the bundled example: installs what is needed (Debian 12,
# as root), builds, validates examples/kz-2023/election.json and prints the
# ballot script of every ballot in every language.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh build
export BALLOTKIT_TEMPLATES="$PWD/templates"
./build/ballotkit validate examples/kz-2023/election.json
echo
./build/ballotkit script examples/kz-2023/election.json
echo
echo "Braille list of the Mazhilis party-list ballot in Kazakh:"
./build/ballotkit list examples/kz-2023/election.json --ballot mazhilis-list --lang kk
echo
echo "Audio ballot of the Mazhilis party-list ballot, both languages, in kits/audio/:"
./build/ballotkit audio examples/kz-2023/election.json --ballot mazhilis-list -o kits/audio
