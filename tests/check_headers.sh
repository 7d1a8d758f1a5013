#!/bin/sh
# The public headers compile on their own with strict C99 and as C++.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for h in "$src"/include/ballotkit.h "$src"/include/ballotkit/*.h; do
	rel=${h#"$src"/include/}
	printf '#include <%s>\nint main(void) { return 0; }\n' "$rel" > "$tmp/t.c"
	cc -std=c99 -pedantic -Wall -Wextra -Werror -I"$src/include" -c "$tmp/t.c" -o "$tmp/t.o"
	printf '#include <%s>\nint main() { return 0; }\n' "$rel" > "$tmp/t.cc"
	c++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$src/include" -c "$tmp/t.cc" -o "$tmp/t.o"
	n=$((n + 1))
	echo "ok $n - $rel compiles as C99 and C++"
done
echo "1..$n"
