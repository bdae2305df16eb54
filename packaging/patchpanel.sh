#!/bin/sh
# The patchpanel command, installed by scripts/install. It runs the compiled binary when one was
# installed, otherwise the pinned Deno on the installed source tree, whose dependencies were
# cached at install time (nothing is fetched at run time; the tree may be read-only).
# Relocatable: everything is found relative to this file (../lib/patchpanel).
set -eu
lib="$(dirname "$(readlink -f "$0")")/../lib/patchpanel"
if [ -x "$lib/patchpanel" ]; then
  exec "$lib/patchpanel" "$@"
fi
export DENO_DIR="$lib/deno-dir" DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
exec "$lib/deno" run -A --cached-only --frozen --config "$lib/app/deno.json" \
  "$lib/app/main.ts" "$@"
