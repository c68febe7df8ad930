#!/usr/bin/env bash
# Usage: check_includes.sh PROJECT_DIR
# The layers are enforced by per-target include roots (cmake/layers.cmake); a relative or
# absolute path in an #include would walk around them, so none is allowed.
set -euo pipefail
cd "$1"
if grep -rnE '^\s*#\s*include\s*"(\.\./|/)' src markdown adapters tools tests bench \
  --include='*.cpp' --include='*.h' --include='*.hpp' --include='*.inc' --include='*.in'; then
  echo "the #include lines above reach around the layers' include roots" >&2
  exit 1
fi
echo "no #include reaches around a layer"
