#!/usr/bin/env bash
# Runs one shard of descent-bench, or merges the shards, for the scheduler recipes of docs/scale-out.md
# (the tests in apps/bench/src/shard/sharded-run.test.ts run those recipes' command lines through this script).
#
#   shard.sh run <results-dir> [descent-bench options…]   this task's shard → <results-dir>/shard-<i>-of-<N>/
#   shard.sh merge <results-dir> <out-dir>                 every <results-dir>/shard-*-of-*/ → <out-dir>/report.*
#
# The shard i/N comes from the scheduler that started the task:
#   Kubernetes Indexed Job   JOB_COMPLETION_INDEX (0-based), with BENCH_SHARDS = the Job's completions
#   Slurm job array          SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT
#   anything else            SHARD_INDEX (1-based) and SHARD_COUNT, e.g. a GitHub Actions matrix
# DESCENT_BENCH is the command that runs descent-bench (default: node apps/bench/dist/cli.js of this checkout).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="${DESCENT_BENCH:-node $here/../dist/cli.js}"

fail() {
  echo "shard.sh: $*" >&2
  exit 2
}

shard_id() {
  if [ -n "${JOB_COMPLETION_INDEX:-}" ]; then
    [ -n "${BENCH_SHARDS:-}" ] || fail "JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but BENCH_SHARDS is not: set it to the Job's completions"
    echo "$((JOB_COMPLETION_INDEX + 1))/${BENCH_SHARDS}"
  elif [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
    [ -n "${SLURM_ARRAY_TASK_COUNT:-}" ] || fail "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: submit with sbatch --array"
    echo "$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-1} + 1))/${SLURM_ARRAY_TASK_COUNT}"
  elif [ -n "${SHARD_INDEX:-}" ]; then
    [ -n "${SHARD_COUNT:-}" ] || fail "SHARD_INDEX is set but SHARD_COUNT is not"
    echo "${SHARD_INDEX}/${SHARD_COUNT}"
  else
    fail "no shard index: set JOB_COMPLETION_INDEX + BENCH_SHARDS, SLURM_ARRAY_TASK_ID (+ _MIN, _COUNT), or SHARD_INDEX + SHARD_COUNT"
  fi
}

command="${1:-}"
case "$command" in
  run)
    [ $# -ge 2 ] || fail "usage: shard.sh run <results-dir> [descent-bench options…]"
    results="$2"
    shift 2
    shard="$(shard_id)"
    # $bench is a command line (e.g. "node apps/bench/dist/cli.js"): split on purpose.
    # shellcheck disable=SC2086
    exec $bench --shard "$shard" --out "$results/shard-${shard/\//-of-}" "$@"
    ;;
  merge)
    [ $# -eq 3 ] || fail "usage: shard.sh merge <results-dir> <out-dir>"
    shopt -s nullglob
    shards=("$2"/shard-*-of-*)
    [ ${#shards[@]} -gt 0 ] || fail "no shard folders (shard-<i>-of-<N>) in $2"
    # shellcheck disable=SC2086
    exec $bench merge "${shards[@]}" --out "$3"
    ;;
  *)
    fail "usage: shard.sh run <results-dir> [descent-bench options…] | shard.sh merge <results-dir> <out-dir>"
    ;;
esac
