#!/usr/bin/env bash
# The format stage of scripts/test.sh: fails when a C or C++ file of ours is
# not as clang-format (Debian's, with the repository's .clang-format) writes
# it, and names the files. `--fix` rewrites them in place.
# The example projects under examples/ are fixtures that tests edit with sed:
# they are left as they are.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
command -v clang-format >/dev/null || { echo "format: clang-format is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- cache_core launcher ninja_wrapper tests | grep -E '\.(c|cpp|h)$')
else
  mapfile -t files < <(find cache_core launcher ninja_wrapper tests -type f \( -name '*.c' -o -name '*.cpp' -o -name '*.h' \) | sort)
fi

if [ "${1:-}" = --fix ]; then
  clang-format -i "${files[@]}"
  echo "format: ${#files[@]} files formatted"
  exit 0
fi

unformatted=()
for f in "${files[@]}"; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ "${#unformatted[@]}" -gt 0 ]; then
  echo "format: ${#unformatted[@]} of ${#files[@]} files differ from clang-format's output:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  echo "format: run scripts/check_format.sh --fix" >&2
  exit 1
fi
echo "format: ${#files[@]} files as clang-format writes them"
