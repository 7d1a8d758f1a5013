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
ls "$p"/lib/libballotkit.so.1* >/dev/null && ls "$p"/lib/libballotkit.a >/dev/null && ok "shared and static library installed"
test -f "$p/share/ballotkit/templates/stencil/a5-party-list.json" && ok "templates installed"
test -f "$p/share/ballotkit/schema/ballotkit-1.schema.json" && ok "schema installed"
test -x "$p/libexec/ballotkit-speech-helper" && ok "speech helper program installed in libexec"
grep -q 'id="bk_speech_create"' "$p/share/doc/ballotkit/ballotkit-api.html" && ok "API reference installed"
unset BALLOTKIT_TEMPLATES
cd "$tmp"
LD_LIBRARY_PATH="$p/lib" "$p/bin/ballotkit" validate "$src/examples/kz-2023/election.json" > out.txt
grep -q "valid" out.txt && ok "installed command validates the example with its installed templates"
LD_LIBRARY_PATH="$p/lib" "$p/bin/ballotkit" templates | grep -q "$p/share/ballotkit/templates" && ok "it names the installed templates folder"
# A program built against the installed library through pkg-config. The
# public headers need no other package's headers, so --cflags names the
# installed include folder only (private dependencies are in Libs.private,
# not Requires.private, whose cflags pkgconf would print).
export PKG_CONFIG_PATH="$p/lib/pkgconfig"
cflags=$(pkg-config --cflags ballotkit | sed 's/ *$//')
test "$cflags" = "-I$p/include" && ok "pkg-config --cflags prints only the installed include folder" \
	|| echo "# --cflags: $cflags"
grep -q '^Requires' "$p/lib/pkgconfig/ballotkit.pc" || ok "ballotkit.pc requires no package"
printf '#include <ballotkit.h>\n#include <stdio.h>\nint main(void) { puts(bk_version()); return !BK_VERSION_CHECK(0, 1, 0); }\n' > v.c
cc v.c -o v $(pkg-config --cflags --libs ballotkit)
test "$(LD_LIBRARY_PATH="$p/lib" ./v)" = "$(LD_LIBRARY_PATH="$p/lib" "$p/bin/ballotkit" --version | cut -d' ' -f2)" && ok "pkg-config build links and reports the same version"
# The same program with the static library: Libs.private must name
# everything libballotkit.a needs (the dependencies themselves are linked
# as Debian ships them, shared).
cc v.c -o vs $(pkg-config --cflags ballotkit) \
	$(pkg-config --static --libs ballotkit | sed 's/-lballotkit\b/-l:libballotkit.a/')
! ldd ./vs | grep -q libballotkit && test "$(./vs)" = "$(./v 2>/dev/null || LD_LIBRARY_PATH="$p/lib" ./v)" \
	&& ok "pkg-config --static links libballotkit.a and reports the same version"
# A program that does not call bk_speech_helper_entry speaks through the
# installed helper program (no $BALLOTKIT_SPEECH_HELPER, and no build
# folder to fall back on: the build folder is moved away first).
cat > s.c <<'EOF'
#include <ballotkit.h>
#include <stdio.h>
int main(void)
{
	bk_templates *t = NULL;
	bk_speech *s = NULL;
	int16_t *c = NULL;
	size_t n = 0;
	bk_diags *d = bk_diags_create();
	if (bk_templates_open(&t, NULL, d) || bk_speech_create(&s, t, NULL, d) ||
	    bk_speech_clip(s, "ru", "Номер один.", NULL, &c, &n, d)) {
		for (size_t i = 0; i < bk_diags_count(d); i++)
			fprintf(stderr, "%s\n", bk_diag_message(bk_diags_get(d, i)));
		return 1;
	}
	printf("%zu\n", n);
	bk_free(c);
	bk_speech_free(s);
	bk_templates_free(t);
	bk_diags_free(d);
	return 0;
}
EOF
cc s.c -o s $(pkg-config --cflags --libs ballotkit)
mv "$tmp/build" "$tmp/build-away"
unset BALLOTKIT_SPEECH_HELPER
samples=$(LD_LIBRARY_PATH="$p/lib" ./s) && test "$samples" -gt 5000 && ok "a program without the entry speaks through the installed helper ($samples samples)"
echo "1..$n"
test "$n" = 15
