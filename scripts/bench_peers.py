#!/usr/bin/env python3
"""Runs Lunar's SMA crossover in backtesting.py, backtrader and vectorbt on one
CSV of bars (the one `lunar-bench peers` writes) and prints one JSON object per
line: engine, bars, seconds, bars_per_second, closed trades, open positions.

The strategy and its fills are those of the differential tests
(scripts/differential/reference.py, docs/fills.md "Reference engines"), with
the benchmark's parameters:

- signal on a bar's close: fast SMA > slow SMA of closes; a cross is a change
  of that from one bar to the next (none on the first bar with a slow mean);
- long only: on a cross up with no position, buy the most lots q (1e-8 grid)
  with q·p·(1+c) <= f·E at the NEXT bar's open p (E: equity there); on a
  cross down with a position, close it at the next bar's open;
- commission c per fill on notional; a position open after the last bar stays
  open (no exit fee).

Each engine computes its own moving averages (its own indicators), so that
cost is in its time, as ta.sma's is in Lunar's. The cross is Lunar's
definition everywhere (a change of `fast > slow`), not the engines' crossover
helpers: backtesting.py's `crossover` and backtrader's `CrossOver` treat a bar
where the means are equal differently, and a million bars on a cent grid have
hundreds of such bars.
Timed: the backtest on a DataFrame already in memory (Lunar's figure is the
backtest on bars already in memory too). vectorbt is timed twice: end to end
in a fresh process with an empty numba cache (import vectorbt + JIT compile +
run), and warm (the same run again in that process).

Used by `make bench` only; it installs the pinned packages into a private
virtualenv (.build-bench-venv) the first time. Tests never call it.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VENV = os.environ.get("LUNAR_BENCH_VENV", os.path.join(ROOT, ".build-bench-venv"))
PINS = ["backtesting==0.6.6", "backtrader==1.9.78.123", "vectorbt==1.2.0", "numba==0.68.1", "llvmlite==0.50.0",
        "numpy==2.4.6", "pandas==3.1.1"]
UNIT = 1e-8  # Lunar's BTCUSD lot (8 quantity decimals)


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    stamp = os.path.join(VENV, ".pins")
    current = open(stamp).read() if os.path.exists(stamp) else ""
    if not os.path.exists(python) or current != " ".join(PINS):
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + PINS, check=True,
                       stdout=sys.stderr)
        with open(stamp, "w") as handle:
            handle.write(" ".join(PINS))
    return python


def load(path):
    import pandas as pd
    frame = pd.read_csv(path)
    frame.index = pd.to_datetime(frame["time"], unit="s")
    return frame.rename(columns=str.capitalize)[["Open", "High", "Low", "Close", "Volume"]].astype(float)


def emit(engine, bars, seconds, trades, open_positions, **extra):
    print(json.dumps(dict(engine=engine, bars=bars, seconds=seconds, bars_per_second=bars / seconds,
                          trades=trades, open=open_positions, **extra)), flush=True)


def run_backtesting(frame, options):
    import pandas as pd
    from backtesting import Strategy
    from backtesting.lib import FractionalBacktest

    def sma(values, n):
        return pd.Series(values).rolling(n).mean()

    fraction = options.fraction

    class SmaCross(Strategy):
        def init(self):
            self.fast = self.I(sma, self.data.Close, options.fast)
            self.slow = self.I(sma, self.data.Close, options.slow)

            self.was_above = None

        def next(self):
            if math.isnan(self.slow[-1]):
                return
            above = self.fast[-1] > self.slow[-1]
            if self.was_above is not None and above != self.was_above:
                if above and not self.position:
                    self.buy(size=fraction)
                elif not above and self.position:
                    self.position.close()
            self.was_above = above

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats = FractionalBacktest(frame, SmaCross, fractional_unit=UNIT, cash=options.cash,
                                   commission=options.commission, exclusive_orders=False, trade_on_close=False,
                                   hedging=False, margin=1.0, finalize_trades=False).run()
    seconds = time.perf_counter() - start
    emit("backtesting.py", len(frame), seconds, len(stats["_trades"]), len(stats["_strategy"]._broker.trades),
         equity=float(stats["_equity_curve"]["Equity"].iloc[-1]))


def run_backtrader(frame, options):
    import backtrader as bt
    rate, scale = options.commission, 1 / UNIT
    counts = dict(closes=0)

    class SmaCross(bt.Strategy):
        def __init__(self):
            self.fast = bt.ind.SMA(period=options.fast)
            self.slow = bt.ind.SMA(period=options.slow)
            self.pending, self.was_above = 0, None

        def next(self):  # the bar's close (from the first with a slow mean): record the signal
            above = self.fast[0] > self.slow[0]
            if self.was_above is not None and above != self.was_above:
                self.pending = 1 if above else -1
            self.was_above = above

        def next_open(self):  # the next bar's open: act on it, sized at this open
            signal, self.pending = self.pending, 0
            position = self.getposition().size
            if signal > 0 and not position:
                price = self.data.open[0]
                size = math.floor(options.fraction * self.broker.getcash() / (price * (1 + rate)) * scale) / scale
                self.buy(size=size)
            elif signal < 0 and position > 0:
                self.close()
                counts["closes"] += 1

    start = time.perf_counter()
    cerebro = bt.Cerebro(stdstats=False, cheat_on_open=True)
    cerebro.adddata(bt.feeds.PandasData(dataname=frame))
    cerebro.addstrategy(SmaCross)
    cerebro.broker.setcash(options.cash)
    cerebro.broker.set_coo(True)
    cerebro.broker.setcommission(commission=rate)
    strategy = cerebro.run()[0]
    seconds = time.perf_counter() - start
    emit("backtrader", len(frame), seconds, counts["closes"], int(strategy.getposition().size != 0),
         equity=float(cerebro.broker.getvalue()))


def vectorbt_once(frame, options):
    """One vectorbt run: its MA indicator, the crosses, from_signals at the next open."""
    import vectorbt as vbt
    close, open_ = frame["Close"], frame["Open"]
    fast = vbt.MA.run(close, options.fast).ma
    slow = vbt.MA.run(close, options.slow).ma
    # The signal is on a bar's close; the order fills at the next bar's open.
    # Sizes are not floored to the 1e-8 lot: with size_granularity=1e-8,
    # vectorbt 1.2.0 leaves a float residue after the first exit and ignores
    # every later entry (SizeZero), so it sizes continuously (< 1 lot apart).
    above, valid = fast > slow, slow.notna()
    both = valid & valid.shift(1, fill_value=False)
    was_above = above.shift(1, fill_value=False)
    entries = (above & ~was_above & both).shift(1, fill_value=False)
    exits = (~above & was_above & both).shift(1, fill_value=False)
    portfolio = vbt.Portfolio.from_signals(
        close, entries, exits, price=open_, fees=options.commission, size=options.fraction, size_type="percent",
        direction="longonly", accumulate=False, init_cash=options.cash, freq="1min")
    trades = portfolio.trades
    return int(trades.closed.count()), int(trades.open.count()), float(portfolio.final_value())


def run_vectorbt_child(frame, options):
    """In a fresh process: end to end (import + JIT + run), then warm."""
    start = time.perf_counter()
    closed, still_open, equity = vectorbt_once(frame, options)
    cold = time.perf_counter() - start
    emit("vectorbt end to end (fresh process, import + JIT)", len(frame), cold, closed, still_open, equity=equity)
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        vectorbt_once(frame, options)
        best = min(best, time.perf_counter() - start)
    emit("vectorbt warm (same process, best of 3)", len(frame), best, closed, still_open, equity=equity)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv")
    parser.add_argument("--fast", type=int, default=10)
    parser.add_argument("--slow", type=int, default=30)
    parser.add_argument("--fraction", type=float, default=0.95)
    parser.add_argument("--commission", type=float, default=0.001)
    parser.add_argument("--cash", type=float, default=100_000)
    parser.add_argument("--engines", default="vectorbt,backtesting,backtrader")
    parser.add_argument("--vectorbt-child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if os.environ.get("LUNAR_BENCH_IN_VENV") != "1":
        python = ensure_venv()
        env = dict(os.environ, LUNAR_BENCH_IN_VENV="1")
        sys.exit(subprocess.run([python, os.path.abspath(__file__)] + sys.argv[1:], env=env).returncode)
    frame = load(options.csv)
    if options.vectorbt_child:
        run_vectorbt_child(frame, options)
        return
    for engine in options.engines.split(","):
        if engine == "vectorbt":
            # A fresh process and an empty numba cache: the JIT compiles everything.
            with tempfile.TemporaryDirectory() as cache:
                env = dict(os.environ, NUMBA_CACHE_DIR=cache)
                arguments = [options.csv, "--vectorbt-child", f"--fast={options.fast}", f"--slow={options.slow}",
                             f"--fraction={options.fraction}", f"--commission={options.commission}",
                             f"--cash={options.cash}"]
                subprocess.run([sys.executable, os.path.abspath(__file__)] + arguments, env=env, check=True)
        elif engine == "backtesting":
            run_backtesting(frame, options)
        elif engine == "backtrader":
            run_backtrader(frame, options)


if __name__ == "__main__":
    main()
