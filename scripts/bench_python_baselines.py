#!/usr/bin/env python3
"""Runs the same SMA crossover (10/30, long-only, all-in) in backtesting.py
and backtrader on the given CSV and prints bars per second of each as JSON.

Used by `make bench` only; it installs both packages from PyPI into a
private virtualenv (.build-bench-venv) the first time. Tests never call it.
"""
import json
import os
import subprocess
import sys
import time

VENV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build-bench-venv")


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    probe = subprocess.run([python, "-c", "import backtesting, backtrader"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", "backtesting", "backtrader", "pandas"], check=True)
    return python


def run_in_venv(csv_path, repeats):
    import pandas as pd
    frame = pd.read_csv(csv_path)
    frame.index = pd.to_datetime(frame["time"], unit="s")
    frame = frame.rename(columns=str.capitalize)[["Open", "High", "Low", "Close", "Volume"]]
    results = {"bars": len(frame)}

    from backtesting import Backtest, Strategy
    from backtesting.lib import crossover

    def sma(values, n):
        return pd.Series(values).rolling(n).mean()

    class SmaCross(Strategy):
        def init(self):
            self.fast = self.I(sma, self.data.Close, 10)
            self.slow = self.I(sma, self.data.Close, 30)

        def next(self):
            if crossover(self.fast, self.slow):
                self.buy(size=0.95)
            elif crossover(self.slow, self.fast) and self.position:
                self.position.close()

    start = time.perf_counter()
    for _ in range(repeats):
        Backtest(frame, SmaCross, cash=100_000, commission=0.001, finalize_trades=True).run()
    results["backtesting"] = len(frame) * repeats / (time.perf_counter() - start)

    import backtrader as bt

    class BtSmaCross(bt.Strategy):
        def __init__(self):
            self.cross = bt.ind.CrossOver(bt.ind.SMA(period=10), bt.ind.SMA(period=30))

        def next(self):
            if self.cross > 0 and not self.position:
                self.order_target_percent(target=0.95)
            elif self.cross < 0 and self.position:
                self.close()

    start = time.perf_counter()
    for _ in range(repeats):
        cerebro = bt.Cerebro(stdstats=False)
        cerebro.adddata(bt.feeds.PandasData(dataname=frame))
        cerebro.addstrategy(BtSmaCross)
        cerebro.broker.setcash(100_000)
        cerebro.broker.setcommission(commission=0.001)
        cerebro.run()
    results["backtrader"] = len(frame) * repeats / (time.perf_counter() - start)
    print(json.dumps(results))


if __name__ == "__main__":
    csv_path, repeats = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if os.environ.get("LUNAR_BENCH_IN_VENV") == "1":
        run_in_venv(csv_path, repeats)
    else:
        python = ensure_venv()
        env = dict(os.environ, LUNAR_BENCH_IN_VENV="1")
        sys.exit(subprocess.run([python, os.path.abspath(__file__), csv_path, str(repeats)], env=env).returncode)
