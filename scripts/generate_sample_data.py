#!/usr/bin/env python3
"""Generates the committed sample market data, deterministically.

Geometric Brownian motion with regime changes (trend up, range, trend down),
so the example strategies meet trends, ranges and gaps. Same seed, same file:
`make sample-data` rewrites data/ byte for byte.
"""
import math
import random

SEED = 20261123
START = 1_672_531_200  # 2023-01-01T00:00:00Z
HOUR = 3600


def generate(path, bars, start_price, seed):
    rng = random.Random(seed)
    price = start_price
    regimes = [(0.00012, 0.006), (0.0, 0.004), (-0.0001, 0.007), (0.00005, 0.005)]
    lines = ["time,open,high,low,close,volume"]
    for i in range(bars):
        drift, vol = regimes[(i // 1500) % len(regimes)]
        open_ = price
        # An occasional gap between the previous close and this open.
        if rng.random() < 0.01:
            open_ *= math.exp(rng.gauss(0, vol * 4))
        close = open_ * math.exp(drift + rng.gauss(0, vol))
        high = max(open_, close) * (1 + abs(rng.gauss(0, vol / 2)))
        low = min(open_, close) * (1 - abs(rng.gauss(0, vol / 2)))
        volume = abs(rng.gauss(50, 15)) + 1
        lines.append(f"{START + i * HOUR},{open_:.2f},{high:.2f},{low:.2f},{close:.2f},{volume:.4f}")
        price = close
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    generate("data/sample-btcusd-1h.csv", 8760, 30000.0, SEED)
    generate("data/sample-ethusd-1h.csv", 8760, 2000.0, SEED + 1)
