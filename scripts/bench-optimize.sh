#!/usr/bin/env bash
# Parameter-sweep throughput (`lunar optimize`): the same 24-run grid of the
# SMA crossover over the bundled year of hourly bars, one worker process per
# run, at 1 job and at one job per core; runs/s and the speed-up, with one
# `lunar backtest` of the same strategy in the same run as the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
LUNAR=${LUNAR:-.build/release/lunar}
DATA=data/sample-btcusd-1h.csv
CORES=$(nproc)
ARGS=(optimize strategies/sma_crossover.lua --data "$DATA" --range fast=5:30:5 --range slow=40:100:20 --objective sharpe --json)
now() { date +%s.%N; }
t0=$(now); "$LUNAR" backtest strategies/sma_crossover.lua --data "$DATA" --commission-bps 10 --slippage-bps 5 --json > /dev/null; t1=$(now)
"$LUNAR" "${ARGS[@]}" --jobs 1 > /dev/null; t2=$(now)
"$LUNAR" "${ARGS[@]}" --jobs "$CORES" > /dev/null; t3=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$CORES" <<'PY'
import sys
t0, t1, t2, t3, cores = map(float, sys.argv[1:])
single, serial, parallel = t1 - t0, t2 - t1, t3 - t2
runs = 24
print("optimize (24 runs, SMA crossover, 8,760 hourly bars, a worker process per run)")
print(f"  one backtest in-process (baseline)   {single*1000:8.0f} ms")
print(f"  sweep, 1 job                         {serial:8.2f} s   {runs/serial:6.1f} runs/s   {serial/runs/single:5.2f}x a backtest per run")
print(f"  sweep, {int(cores)} jobs                        {parallel:8.2f} s   {runs/parallel:6.1f} runs/s   speed-up {serial/parallel:4.2f}x on {int(cores)} cores")
PY
