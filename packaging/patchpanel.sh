#!/bin/sh
# The patchpanel command, installed by scripts/install. It runs the compiled binary when one was
# installed, otherwise the pinned Deno on the installed source tree, whose dependencies were
# cached at install time (nothing is fetched at run time; the tree may be read-only).
# Relocatable: everything is found relative to this file (../lib/patchpanel).
set -eu
lib="$(dirname "$(readlink -f "$0")")/../lib/patchpanel"
# The installed config.yaml for every command that reads one, unless --config or --data-dir says
# otherwise: the backup hooks run as `sudo -u patchpanel patchpanel backup-pre`, with no option.
config="${PATCHPANEL_CONFIG:-/etc/patchpanel/config.yaml}"
case "${1:-}" in
  serve | stop | backup-pre | backup-post | user-add | user-reset | version)
    case " $* " in
      *" --config "* | *" --config="* | *" --data-dir "* | *" --data-dir="*) ;;
      *)
        if [ -r "$config" ]; then
          cmd="$1"
          shift
          set -- "$cmd" --config "$config" "$@"
        fi
        ;;
    esac
    ;;
esac
if [ -x "$lib/patchpanel" ]; then
  exec "$lib/patchpanel" "$@"
fi
export DENO_DIR="$lib/deno-dir" DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
# --optimize-for-size: V8 keeps the heap near the live set (README "Memory of big states").
exec "$lib/deno" run -A --cached-only --frozen --v8-flags=--optimize-for-size \
  --config "$lib/app/deno.json" "$lib/app/main.ts" "$@"
