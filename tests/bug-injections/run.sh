#!/usr/bin/env bash
# Proves the simulator can fail: applies each deliberately injected bug to a scratch copy of the tree and checks
# that the default seeds catch it.
# Usage: tests/bug-injections/run.sh [--seeds N] [NAME-PREFIX] (default 500 seeds, as `dotnet test` runs).
set -euo pipefail
seeds=500
if [ "${1:-}" = "--seeds" ]; then seeds=$2; shift 2; fi
only=${1:-}
top=$(git rev-parse --show-toplevel)
scratch=$(mktemp -d)
trap 'git -C "$top" worktree remove --force "$scratch/tree" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
git -C "$top" worktree add --detach "$scratch/tree" HEAD >/dev/null 2>&1
status=0
for patch in "$top"/tests/bug-injections/"$only"*.patch; do
  name=$(basename "$patch" .patch)
  git -C "$scratch/tree" checkout -q -- .
  git -C "$scratch/tree" apply "$patch"
  dotnet build "$scratch/tree/src/Cairn.Cli" -c Release -v q -nologo >/dev/null
  for nodes in 3 5; do
    line=$( (dotnet "$scratch/tree/src/Cairn.Cli/bin/Release/net10.0/cairn.dll" simulate --seeds "$seeds" --nodes "$nodes" 2>/dev/null || true) \
      | tee "$scratch/$name-$nodes.txt" | tail -n 1)
    first=$(grep -m1 -E '^  violation:' "$scratch/$name-$nodes.txt" | cut -c1-160 || true)
    failing=$(grep -c '^  replay:' "$scratch/$name-$nodes.txt" || true)
    echo "$name, $nodes nodes: $line ($failing failing seeds)"
    [ -n "$first" ] && echo "    first: ${first#  violation: }"
    case "$line" in *" 0 violations") status=1; echo "    NOT CAUGHT";; esac
  done
done
exit $status
