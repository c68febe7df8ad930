#!/usr/bin/env bash
# Usage: check_format.sh CLANG_FORMAT PROJECT_DIR
# Checks every C++ source the project owns (build trees and node_modules excluded).
set -euo pipefail
clang_format=$1
cd "$2"
mapfile -t files < <(find src markdown adapters tools tests bench -type f \
  \( -name '*.cpp' -o -name '*.h' -o -name '*.hpp' -o -name '*.cc' \) \
  -not -path '*/node_modules/*' 2>/dev/null | sort)
if ((${#files[@]} == 0)); then
  echo "no sources found" >&2
  exit 1
fi
if ! "$clang_format" --dry-run -Werror "${files[@]}"; then
  echo "Run: clang-format -i <files above>" >&2
  exit 1
fi
echo "${#files[@]} files formatted"
