#!/bin/sh
# `meson install` puts the library, headers, pkg-config file, command and
# templates under the prefix, and the installed command finds its installed
# templates without being told where they are.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson setup -Dprefix="$tmp/prefix" -Dlibdir=lib "$tmp/build" "$src" >/dev/null
ninja -C "$tmp/build" install >/dev/null
p=$tmp/prefix
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
test -x "$p/bin/ballotkit" && ok "command installed"
test -f "$p/include/ballotkit.h" && test -f "$p/include/ballotkit/script.h" && ok "headers installed"
test -f "$p/lib/pkgconfig/ballotkit.pc" && ok "pkg-config file installed"
ls "$p"/lib/libballotkit.so.0* >/dev/null && ls "$p"/lib/libballotkit.a >/dev/null && ok "shared and static library installed"
test -f "$p/share/ballotkit/templates/stencil/a5-party-list.json" && ok "templates installed"
test -f "$p/share/ballotkit/schema/ballotkit-1.schema.json" && ok "schema installed"
unset BALLOTKIT_TEMPLATES
cd "$tmp"
LD_LIBRARY_PATH="$p/lib" "$p/bin/ballotkit" validate "$src/examples/kz-2023/election.json" > out.txt
grep -q "valid" out.txt && ok "installed command validates the example with its installed templates"
LD_LIBRARY_PATH="$p/lib" "$p/bin/ballotkit" templates | grep -q "$p/share/ballotkit/templates" && ok "it names the installed templates folder"
# A program built against the installed library through pkg-config.
printf '#include <ballotkit.h>\n#include <stdio.h>\nint main(void) { puts(bk_version()); return !BK_VERSION_CHECK(0, 1, 0); }\n' > v.c
PKG_CONFIG_PATH="$p/lib/pkgconfig" cc v.c -o v $(PKG_CONFIG_PATH="$p/lib/pkgconfig" pkg-config --cflags --libs ballotkit)
test "$(LD_LIBRARY_PATH="$p/lib" ./v)" = "$(LD_LIBRARY_PATH="$p/lib" "$p/bin/ballotkit" --version | cut -d' ' -f2)" && ok "pkg-config build links and reports the same version"
echo "1..$n"
test "$n" = 9
