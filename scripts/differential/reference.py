#!/usr/bin/env python3
"""Differential test: Lunar's backtests against backtesting.py and backtrader.

Runs the SMA-cross strategies of scripts/differential/ on the data sets of
data/differential/ in three engines and compares them trade by trade:

1. backtesting.py against backtrader (the references must agree first);
2. an exact-integer model of Lunar's documented fill rules against
   backtesting.py (they agree only where a lot is worth far more than
   Lunar's 1e-8 roundings, which is why the fractional grids are 1e-4 for
   the stock and 1e-2 for EURUSD);
3. `lunar backtest --json`, run twice and required byte-identical, against
   backtesting.py (and, when they differ, against the model too).

Conventions every engine is held to (docs/fills.md, "Reference engines"):

- A signal is taken on a bar's close and a market order fills at the next
  bar's open. The signal is `fast SMA > slow SMA` of closes; a cross is a
  change of that from one bar to the next, starting on the bar after the
  first bar with a slow mean. The reference engines get the crosses computed
  here with exact integer arithmetic (the data sets have no near-ties, see
  make_data.py); Lunar computes them itself with `ta.sma`.
- An equity-fraction entry of fraction f at fill price p buys the most whole
  lots q with q*p*(1+c) <= f*E, where E is the equity at the fill after the
  earlier fills of the bar (after the close of a reversal: the cash left).
- Trades still open after the last bar are compared as open positions (side,
  size, entry), and final equity is marked at the last close with no exit
  commission in every engine.

Tolerances: sizes on the lot grid and prices on the tick grid must be equal;
times equal; money (fees, gross P&L) within 1e-9 of the trade's entry
notional; final equity within 1e-9 relative. Lunar rounds each fee up to
1e-8 and notionals half-even at 1e-8; the references compute in binary
floating point. Both are far below those money tolerances; what they can
move is a size, by one lot, on a fine enough grid (point 2).

Exit status 1 when any case fails; the table names the first mismatch.
Cases in known-failures.txt fail as recorded or fail the run.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import warnings
from decimal import Decimal

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FAST, SLOW = 10, 20
FRACTION = 0.99  # backtesting.py takes a fraction only in (0, 1)
CASH = 100_000
MONEY_TOLERANCE = 1e-9
EQUITY_TOLERANCE = 1e-9

DATASETS = {
    "stock": dict(path="data/differential/stock-daily.csv", symbol="STOCK", price_decimals=2, fractional=4),
    "eurusd": dict(path="data/differential/eurusd-1h.csv", symbol="EURUSD", price_decimals=5, fractional=2),
}
STRATEGIES = {
    "long-short": "scripts/differential/sma_cross_long_short.lua",
    "long-only": "scripts/differential/sma_cross_long_only.lua",
}
COMMISSIONS_BPS = [0, 20]


# MARK: - Data and signals

class Series:
    """Bars of one CSV as exact integer ticks plus the epoch time of each bar."""

    def __init__(self, path, price_decimals):
        import datetime
        self.path, self.decimals = path, price_decimals
        self.times, self.rows = [], []
        with open(os.path.join(ROOT, path)) as handle:
            header = handle.readline().strip().split(",")
            assert header == ["time", "open", "high", "low", "close", "volume"], header
            for line in handle:
                fields = line.strip().split(",")
                text = fields[0]
                if text.isdigit():
                    time = int(text)
                else:
                    date = datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)
                    time = int(date.timestamp())
                self.times.append(time)
                self.rows.append([self.ticks(field) for field in fields[1:5]] + [int(fields[5])])
        self.index_of_time = {time: index for index, time in enumerate(self.times)}

    def ticks(self, text):
        value = Decimal(text) * (10 ** self.decimals)
        assert value == value.to_integral_value(), text
        return int(value)

    def price(self, ticks):
        return ticks / 10 ** self.decimals

    def opens(self):
        return [row[0] for row in self.rows]

    def crosses(self, fast=FAST, slow=SLOW):
        """+1 on a bar where fast > slow starts to hold, -1 where it stops, else 0 (exact)."""
        closes = [row[3] for row in self.rows]
        signals, previous = [0] * len(closes), None
        for end in range(slow, len(closes) + 1):
            above = sum(closes[end - fast:end]) * slow > sum(closes[end - slow:end]) * fast
            if previous is not None and above != previous:
                signals[end - 1] = 1 if above else -1
            previous = above
        return signals

    def frame(self):
        import pandas as pd
        index = pd.to_datetime(self.times, unit="s")
        scale = 10 ** self.decimals
        return pd.DataFrame({
            "Open": [row[0] / scale for row in self.rows], "High": [row[1] / scale for row in self.rows],
            "Low": [row[2] / scale for row in self.rows], "Close": [row[3] / scale for row in self.rows],
            "Volume": [float(row[4]) for row in self.rows]}, index=index)


# MARK: - A normalized result

def trade(side, lots, entry_index, exit_index, entry_ticks, exit_ticks, fees, pnl):
    return dict(side=side, lots=lots, entry=entry_index, exit=exit_index, entry_price=entry_ticks,
                exit_price=exit_ticks, fees=fees, pnl=pnl)


def to_lots(size, decimals):
    """An engine's float size on the lot grid; refuses anything off the grid."""
    lots = size * 10 ** decimals
    rounded = round(lots)
    assert abs(lots - rounded) <= 1e-6 * max(1, abs(lots)), f"size {size} is off the 1e-{decimals} grid"
    return int(rounded)


def to_ticks(price, series):
    ticks = price * 10 ** series.decimals
    rounded = round(ticks)
    assert abs(ticks - rounded) < 1e-6 * max(1, abs(ticks)), f"price {price} is off the tick grid"
    return int(rounded)


# MARK: - backtesting.py

def run_backtesting(series, strategy, quantity_decimals, commission_bps):
    from backtesting import Backtest, Strategy
    from backtesting.lib import FractionalBacktest
    signals, fraction = series.crosses(), FRACTION

    class Cross(Strategy):
        def init(self):
            pass

        def next(self):
            signal = signals[len(self.data) - 1]
            if strategy == "long-short":
                if signal > 0:
                    self.buy(size=fraction)     # exclusive_orders closes the short first
                elif signal < 0:
                    self.sell(size=fraction)
            else:
                if signal > 0 and not self.position:
                    self.buy(size=fraction)
                elif signal < 0 and self.position.is_long:
                    self.position.close()

    arguments = dict(cash=CASH, commission=commission_bps / 10_000, exclusive_orders=True,
                     trade_on_close=False, hedging=False, margin=1.0, spread=0.0, finalize_trades=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if quantity_decimals == 0:
            backtest = Backtest(series.frame(), Cross, **arguments)
        else:
            backtest = FractionalBacktest(series.frame(), Cross, fractional_unit=10 ** -quantity_decimals, **arguments)
        stats = backtest.run()
    trades = []
    for row in stats["_trades"].itertuples():
        side = "long" if row.Size > 0 else "short"
        lots = to_lots(abs(row.Size), quantity_decimals)
        entry_price, exit_price = to_ticks(row.EntryPrice, series), to_ticks(row.ExitPrice, series)
        gross = row.Size * (row.ExitPrice - row.EntryPrice)
        trades.append(trade(side, lots, int(row.EntryBar), int(row.ExitBar), entry_price, exit_price,
                            float(row.Commission), float(gross)))
    open_positions = []
    broker = stats["_strategy"]._broker
    unit = 10 ** -quantity_decimals
    for open_trade in broker.trades:
        size = open_trade.size * unit
        open_positions.append(dict(side="long" if size > 0 else "short", lots=to_lots(abs(size), quantity_decimals),
                                   entry=int(open_trade.entry_bar),
                                   entry_price=to_ticks(open_trade.entry_price / unit, series)))
    equity = float(stats["_equity_curve"]["Equity"].iloc[-1])
    return dict(trades=trades, open=open_positions, equity=equity)


# MARK: - backtrader

def run_backtrader(series, strategy, quantity_decimals, commission_bps):
    import backtrader as bt
    signals, opens, rate = series.crosses(), series.opens(), commission_bps / 10_000
    scale = 10 ** quantity_decimals
    fills = []

    class Cross(bt.Strategy):
        def next_open(self):
            index = len(self.data) - 1     # the bar whose open the orders below fill at
            assert abs(self.data.open[0] - series.price(opens[index])) < 1e-9, (index, self.data.open[0], opens[index])
            signal = signals[index - 1] if index >= 1 else 0
            self.index = index
            position = self.getposition().size
            open_price = self.data.open[0]
            # Equity at the fill once any close has filled at this open.
            equity = self.broker.getcash() + position * open_price - abs(position) * open_price * rate
            size = math.floor(FRACTION * equity / (open_price * (1 + rate)) * scale) / scale
            if strategy == "long-short":
                if signal != 0:
                    if position:
                        self.close()
                    (self.buy if signal > 0 else self.sell)(size=size)
            else:
                if signal > 0 and not position:
                    self.buy(size=size)
                elif signal < 0 and position > 0:
                    self.close()

        def notify_order(self, order):
            if order.status == order.Completed:
                fills.append((self.index, order.executed.size, order.executed.price, order.executed.comm))
            elif order.status in (order.Canceled, order.Margin, order.Rejected):
                raise RuntimeError(f"backtrader refused an order at bar {self.index}: {order.getstatusname()}")

        def stop(self):
            self.final_value = self.broker.getvalue()

    cerebro = bt.Cerebro(stdstats=False, cheat_on_open=True)
    cerebro.adddata(bt.feeds.PandasData(dataname=series.frame()))
    cerebro.addstrategy(Cross)
    cerebro.broker.setcash(CASH)
    cerebro.broker.set_coo(True)
    cerebro.broker.setcommission(commission=rate)
    result = cerebro.run()[0]
    trades, current = [], None
    for index, size, price, fee in fills:
        lots = to_lots(abs(size), quantity_decimals)
        if current is None:
            current = dict(side="long" if size > 0 else "short", lots=lots, entry=index,
                           entry_price=to_ticks(price, series), fee=fee, price=price, size=size)
            continue
        assert lots == current["lots"] and (size > 0) != (current["size"] > 0), "partial close"
        trades.append(trade(current["side"], current["lots"], current["entry"], index, current["entry_price"],
                            to_ticks(price, series), current["fee"] + fee, current["size"] * (price - current["price"])))
        current = None
    open_positions = [] if current is None else [
        {key: current[key] for key in ("side", "lots", "entry", "entry_price")}]
    return dict(trades=trades, open=open_positions, equity=float(result.final_value))


# MARK: - Lunar's documented rules, in exact integer arithmetic

def run_exact_model(series, strategy, quantity_decimals, commission_bps):
    """The fill rules of docs/fills.md for these strategies, in integers.

    Money in 10^-8 units; a notional rounds half to even at 10^-8 when price
    and quantity decimals add up to more than 8; each fee is rounded up. Not
    a reference (it is Lunar's own rule written again), but it tells a
    float-versus-fixed-point difference from a bug: where it agrees with the
    reference engines and Lunar does not, Lunar departs from its own rule.
    """
    signals, rows = series.crosses(), series.rows
    shift = series.decimals + quantity_decimals - 8
    rate = commission_bps * 100  # hundredths of a basis point
    billionths = round(FRACTION * 1e9)

    def notional(ticks, lots):
        raw = ticks * lots
        if shift <= 0:
            return raw * 10 ** -shift
        quotient, remainder = divmod(raw, 10 ** shift)
        twice = 2 * remainder
        if twice > 10 ** shift or (twice == 10 ** shift and quotient % 2):
            quotient += 1
        return quotient

    def fee(amount):
        return -(-amount * rate // 1_000_000)

    def size(budget, ticks):
        scale = 10 ** -shift if shift <= 0 else 1
        ceiling = budget * 10 ** shift // ticks if shift >= 0 else budget // (ticks * scale)
        low, high = 0, ceiling + 1
        while high - low > 1:
            middle = (low + high) // 2
            cost = notional(ticks, middle)
            if cost + fee(cost) <= budget:
                low = middle
            else:
                high = middle
        return low

    cash, position, trades = CASH * 10 ** 8, None, []
    for index in range(1, len(rows)):
        signal, ticks = signals[index - 1], rows[index][0]
        if signal == 0:
            continue
        if position and (strategy == "long-short" or (signal < 0 and position["side"] == "long")):
            amount = notional(ticks, position["lots"])
            cost = fee(amount)
            cash += (amount if position["side"] == "long" else -amount) - cost
            gross = (amount - position["amount"]) * (1 if position["side"] == "long" else -1)
            trades.append(trade(position["side"], position["lots"], position["entry"], index, position["entry_price"],
                                ticks, (position["fee"] + cost) / 1e8, gross / 1e8))
            position = None
        if position is None and (strategy == "long-short" or signal > 0):
            lots = size(cash * billionths // 1_000_000_000, ticks)
            amount = notional(ticks, lots)
            cost = fee(amount)
            side = "long" if signal > 0 else "short"
            cash += (-amount if side == "long" else amount) - cost
            position = dict(side=side, lots=lots, entry=index, entry_price=ticks, amount=amount, fee=cost)
    open_positions, equity = [], cash
    if position:
        mark = notional(rows[-1][3], position["lots"])
        equity += mark if position["side"] == "long" else -mark
        open_positions.append({key: position[key] for key in ("side", "lots", "entry", "entry_price")})
    return dict(trades=trades, open=open_positions, equity=equity / 1e8)


# MARK: - Lunar

def run_lunar(lunar, series, dataset, strategy, quantity_decimals, commission_bps):
    command = [lunar, "backtest", os.path.join(ROOT, STRATEGIES[strategy]),
               "--data", os.path.join(ROOT, dataset["path"]), "--symbol", dataset["symbol"],
               "--price-decimals", str(series.decimals), "--quantity-decimals", str(quantity_decimals),
               "--commission-bps", str(commission_bps), "--cash", str(CASH),
               "--param", f"fast={FAST}", "--param", f"slow={SLOW}", "--param", f"fraction={FRACTION}", "--json"]
    first = subprocess.run(command, capture_output=True, check=False)
    if first.returncode != 0:
        raise RuntimeError(f"lunar exited {first.returncode}: {first.stderr.decode()[-400:]}")
    second = subprocess.run(command, capture_output=True, check=False)
    deterministic = first.stdout == second.stdout
    report = json.loads(first.stdout)
    scale = 10 ** quantity_decimals

    def lots(text):
        return int(Decimal(text) * scale)

    def index(time):
        return series.index_of_time[time]

    trades = [trade(record["side"], lots(record["quantity"]), index(record["entryTime"]), index(record["exitTime"]),
                    series.ticks(record["entryPrice"]), series.ticks(record["exitPrice"]),
                    float(Decimal(record["fees"])), float(Decimal(record["pnl"])))
              for record in report["trades"]]
    open_positions = []
    for position in report["finalPositions"]:
        quantity = Decimal(position["quantity"])
        # The JSON has no entry time for an open position; the entry is the
        # fill after the last closed trade's exit (these strategies hold one
        # position at a time), so it is checked through its price and size.
        open_positions.append(dict(side="long" if quantity > 0 else "short", lots=lots(str(abs(quantity))),
                                   entry=None, entry_price=series.ticks(position["averagePrice"])))
    return dict(trades=trades, open=open_positions, equity=float(Decimal(report["metrics"]["endEquity"])),
                deterministic=deterministic, raw=report)


# MARK: - Comparison

def describe(record, series):
    text = (f"{record['side']} {record['lots']} lots, entry bar {record['entry']} "
            f"@{series.price(record['entry_price'])}")
    if "exit" in record:
        text += (f", exit bar {record['exit']} @{series.price(record['exit_price'])}, "
                 f"fees {record['fees']:.8f}, pnl {record['pnl']:.8f}")
    return text


def compare(expected, actual, series):
    """None when `actual` matches `expected`, else the first difference in words."""
    for number, (want, got) in enumerate(zip(expected["trades"], actual["trades"]), start=1):
        notional = want["lots"] * want["entry_price"] * 10 ** -series.decimals
        problems = [key for key in ("side", "lots", "entry", "exit", "entry_price", "exit_price") if want[key] != got[key]]
        problems += [key for key in ("fees", "pnl")
                     if abs(want[key] - got[key]) > MONEY_TOLERANCE * max(1.0, notional)]
        if problems:
            return (f"trade {number} ({', '.join(problems)}): expected {describe(want, series)}; "
                    f"got {describe(got, series)}")
    if len(expected["trades"]) != len(actual["trades"]):
        return f"{len(expected['trades'])} closed trades expected, {len(actual['trades'])} found"
    for want, got in zip(expected["open"], actual["open"]):
        keys = ("side", "lots", "entry_price") + (("entry",) if got["entry"] is not None else ())
        if any(want[key] != got[key] for key in keys):
            return f"open position: expected {describe(want, series)}; got {describe(got, series)}"
    if len(expected["open"]) != len(actual["open"]):
        return f"{len(expected['open'])} open positions expected, {len(actual['open'])} found"
    if abs(expected["equity"] - actual["equity"]) > EQUITY_TOLERANCE * abs(expected["equity"]):
        return f"final equity: expected {expected['equity']:.8f}, got {actual['equity']:.8f}"
    return None


def known_failures(path):
    """case name -> the start of its expected lunar-vs-backtesting.py mismatch."""
    known = {}
    if os.path.exists(path):
        with open(path) as handle:
            for line in handle:
                line = line.split("#", 1)[0].strip()
                if line:
                    case, signature = (part.strip() for part in line.split("|", 1))
                    known[case] = signature
    return known


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lunar", default=os.path.join(ROOT, ".build/debug/lunar"))
    parser.add_argument("--out", default=os.path.join(ROOT, "var/differential"),
                        help="where each case's expected and actual trade lists are written")
    parser.add_argument("--only", default="", help="run only cases whose name contains this text")
    parser.add_argument("--known-failures", default=os.path.join(os.path.dirname(__file__), "known-failures.txt"),
                        help="cases expected to fail, each with the start of its expected first mismatch")
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    known = known_failures(options.known_failures)

    # Each case makes four checks: the references agree, the exact model
    # agrees, Lunar's two runs are byte-identical, Lunar matches.
    rows, failures, expected_failures, checks = [], 0, 0, {"passed": 0, "failed": 0, "skipped": 0}
    for dataset_name, dataset in DATASETS.items():
        series = Series(dataset["path"], dataset["price_decimals"])
        for strategy in STRATEGIES:
            for quantity_decimals in (0, dataset["fractional"]):
                for commission_bps in COMMISSIONS_BPS:
                    name = f"{dataset_name}/{strategy}/q{quantity_decimals}/c{commission_bps}"
                    if options.only not in name:
                        continue
                    reference = run_backtesting(series, strategy, quantity_decimals, commission_bps)
                    other = run_backtrader(series, strategy, quantity_decimals, commission_bps)
                    lunar = run_lunar(options.lunar, series, dataset, strategy, quantity_decimals, commission_bps)
                    model = run_exact_model(series, strategy, quantity_decimals, commission_bps)
                    references_agree = compare(reference, other, series)
                    model_agrees = compare(reference, model, series)
                    lunar_agrees = compare(reference, lunar, series)
                    if not lunar["deterministic"]:
                        lunar_agrees = "two runs of lunar backtest --json gave different bytes"
                    with open(os.path.join(options.out, name.replace("/", "_") + ".json"), "w") as handle:
                        json.dump({"backtesting.py": reference, "backtrader": other, "exact model": model,
                                   "lunar": {key: lunar[key] for key in ("trades", "open", "equity")}},
                                  handle, indent=1)
                    failed = any(text is not None for text in (references_agree, model_agrees, lunar_agrees))
                    # A known failure is one whose only problem is the recorded
                    # Lunar mismatch; anything else, or a pass, fails the run
                    # (a fixed case must leave known-failures.txt).
                    signature = known.get(name)
                    if signature is not None:
                        expected = (references_agree is None and model_agrees is None and lunar["deterministic"]
                                    and lunar_agrees is not None and lunar_agrees.startswith(signature))
                        result = "XFAIL" if expected else ("XPASS" if not failed else "FAIL")
                    else:
                        result = "FAIL" if failed else "PASS"
                    expected_failures += result == "XFAIL"
                    failures += result in ("FAIL", "XPASS")
                    for ok in (references_agree is None, model_agrees is None, lunar["deterministic"]):
                        checks["passed" if ok else "failed"] += 1
                    if result == "XFAIL":
                        checks["skipped"] += 1
                    else:
                        checks["passed" if compare(reference, lunar, series) is None else "failed"] += 1
                    details = [f"backtrader vs backtesting.py: {references_agree}"] if references_agree else []
                    details += [f"exact model vs backtesting.py: {model_agrees}"] if model_agrees else []
                    details += [f"lunar vs backtesting.py: {lunar_agrees}"] if lunar_agrees else []
                    if lunar_agrees and lunar["deterministic"]:
                        versus_model = compare(model, lunar, series)
                        details += [f"lunar vs exact model: {versus_model or 'agree'}"]
                    rows.append((name, len(reference["trades"]), reference["equity"], lunar["equity"],
                                 "agree" if references_agree is None else "DIFFER",
                                 "agree" if model_agrees is None else "DIFFER",
                                 result, details))

    print("refs: backtrader vs backtesting.py; model: Lunar's rules in exact integers vs backtesting.py;")
    print("result: lunar backtest --json (run twice, byte-identical) vs backtesting.py, trade by trade")
    print(f"{'case':<30} {'trades':>6} {'reference equity':>18} {'lunar equity':>18} {'refs':>6} {'model':>6}  result")
    for name, count, reference_equity, lunar_equity, references, model, result, details in rows:
        print(f"{name:<30} {count:>6} {reference_equity:>18.8f} {lunar_equity:>18.8f} {references:>6} {model:>6}  {result}")
        for detail in details:
            print(f"    first mismatch, {detail}")
    passed = len(rows) - failures - expected_failures
    print(f"cases: {passed} PASS, {failures} FAIL, {expected_failures} XFAIL")
    if expected_failures:
        print(f"XFAIL: a known failure listed in {os.path.relpath(options.known_failures, ROOT)}, its trade-by-trade "
              "check counted as skipped; XPASS: a listed case now passes and must leave the list")
    print(f"differential: {checks['passed']} passed, {checks['failed']} failed, {checks['skipped']} skipped")
    return 1 if failures or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
