#!/bin/sh
# Installs what ballotkit needs on Debian 12 (run as root), and generates
# the users' locales (ru_RU.UTF-8, kk_KZ.UTF-8) the tests run under.
# Every package comes from Debian; nothing is downloaded from elsewhere.
set -eu

PACKAGES="
  build-essential g++ meson ninja-build pkg-config binutils
  libjansson-dev
  liblouis-dev liblouis-data libxml2-dev
  libcairo2-dev libpango1.0-dev libfontconfig-dev libfreetype-dev libpoppler-glib-dev
  fonts-dejavu-core poppler-utils
  libqpdf-dev qpdf ghostscript libgs-common python3-pil
  espeak-ng espeak-ng-data libespeak-ng-dev libsndfile1-dev libsamplerate0-dev
  libebur128-dev libmp3lame-dev libogg-dev libvorbis-dev libopusenc-dev
  libopus-dev libsonic-dev nettle-dev lame
  libutf8proc-dev libcsv-dev libzip-dev python3-openpyxl
  python3 python3-jsonschema python3-numpy python3-scipy python3-soundfile
  python3-mutagen python3-pikepdf python3-cairo
  locales
  clang libclang-rt-14-dev valgrind
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

need_gen=0
for l in ru_RU kk_KZ; do
	if ! locale -a 2>/dev/null | grep -qi "^$l\.utf-\?8$"; then
		need_gen=1
		sed -i "s/^# *\($l\.UTF-8 UTF-8\)/\1/" /etc/locale.gen
		grep -q "^$l\.UTF-8 UTF-8" /etc/locale.gen || echo "$l.UTF-8 UTF-8" >> /etc/locale.gen
	fi
done
if [ "$need_gen" = 1 ]; then
	echo "setup: generating ru_RU.UTF-8 and kk_KZ.UTF-8" >&2
	locale-gen >/dev/null
fi
