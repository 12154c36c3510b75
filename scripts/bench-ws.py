"""WebSocket fan-out load test of a running `lunar serve` (docs/api.md, "WebSocket /ws").

Run by scripts/bench-ws.sh, which starts the server and passes:
  BENCH_WS_BASE        http://127.0.0.1:PORT
  BENCH_WS_SERVER_PID  the `lunar serve` process (its VmRSS and CPU are read from /proc)
  BENCH_WS_FEED_SPEED  the server's --feed-speed (market seconds per real second)
  BENCH_WS_CLIENTS     reading clients (default 1000), each subscribed to `ticks` of every symbol
  BENCH_WS_SLOW        clients that subscribe to everything and never read (default 20)
  BENCH_SECONDS        length of the measured window (default 20)
A user may hold 3 connections, so the script first registers and signs in
ceil((clients + slow) / 3) users. With BENCH_WS_CLIENTS=0 only the slow
clients run: the backpressure run, against a fast feed.

The slow clients stall for the whole run with a 4 KiB receive buffer; at the
end each unsubscribes and drains its socket, counting the events that were
queued for it and the `dropped` notices (the events the server discarded).

A tick carries only its market time in whole synthetic seconds, not a server
clock, so latency is measured as fan-out fairness: for every tick, the time
from the first client's receipt to each other client's receipt (one client
process, so the figure includes this process working through the same tick
for every connection in turn).

Exits 1 on a real failure (a client could not connect or subscribe, no
ticks, an error event, the server died); speed figures are only reported.
"""

import asyncio
import json
import math
import os
import socket
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from websockets.asyncio.client import connect

BASE = os.environ.get("BENCH_WS_BASE", "http://127.0.0.1:8080")
WS_URL = BASE.replace("http://", "ws://", 1) + "/ws"
SERVER_PID = int(os.environ["BENCH_WS_SERVER_PID"])
FEED_SPEED = float(os.environ.get("BENCH_WS_FEED_SPEED", "10"))
CLIENTS = int(os.environ.get("BENCH_WS_CLIENTS", "1000"))
SLOW = int(os.environ.get("BENCH_WS_SLOW", "20"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
PER_USER = 3  # the server's connection limit per user
PASSWORD = "bench-horse-42"
failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message, flush=True)


# -- the server process -----------------------------------------------------

def rss_mib():
    with open(f"/proc/{SERVER_PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid="self"):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


# -- users ------------------------------------------------------------------

def post(path, body):
    request = urllib.request.Request(BASE + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def sign_up(index):
    """Registers and logs in one user (two bcrypt hashes on the server)."""
    name = f"wsbench{index}"
    post("/api/auth/register", {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    return post("/api/auth/login", {"login": name, "password": PASSWORD})["accessToken"]


def instruments(token):
    request = urllib.request.Request(BASE + "/api/market/instruments", headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=30) as response:
        return [instrument["symbol"] for instrument in json.load(response)]


# -- clients ----------------------------------------------------------------

class Stats:
    def __init__(self):
        self.measuring = False
        self.ticks = 0
        self.other = {}
        self.dropped_notices = 0
        self.dropped_count = 0
        self.errors = []
        self.first = {}     # (symbol, time) -> first receipt (perf_counter)
        self.last = {}      # (symbol, time) -> last receipt
        self.receipts = {}  # (symbol, time) -> clients that got it
        self.lags = []      # receipt - first receipt of the same tick, per message


async def subscribe(ws, subscriptions):
    welcome = json.loads(await ws.recv())
    if welcome.get("type") != "welcome":
        raise RuntimeError(f"expected welcome, got {welcome}")
    for channel, symbol in subscriptions:
        await ws.send(json.dumps({"type": "subscribe", "channel": channel, "symbol": symbol}))
    confirmed = 0
    while confirmed < len(subscriptions):
        reply = json.loads(await ws.recv())
        if reply.get("type") == "subscribed":
            confirmed += 1
        elif reply.get("type") == "error":
            raise RuntimeError(f"subscribe refused: {reply}")


async def open_client(token, subscriptions, gate, setup_times, receive_buffer=None, max_queue=1024):
    """Connects (at most `gate`'s count of handshakes at once) and subscribes."""
    async with gate:
        started = time.perf_counter()
        sock = None
        if receive_buffer:
            # Set before connecting, so the advertised window stays small.
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            sock.setblocking(False)
            host, port = BASE.split("//", 1)[1].split(":")
            await asyncio.get_running_loop().sock_connect(sock, (host, int(port)))
        ws = await connect(WS_URL + "?token=" + token, sock=sock, compression=None, proxy=None,
                           ping_interval=None, open_timeout=120, max_queue=max_queue)
        await subscribe(ws, subscriptions)
        setup_times.append(time.perf_counter() - started)
        return ws


async def read(ws, stats):
    """A reading client: every message, tallied while `stats.measuring`."""
    async for text in ws:
        if not stats.measuring:
            continue
        now = time.perf_counter()
        message = json.loads(text)
        kind = message.get("type")
        if kind == "tick":
            stats.ticks += 1
            key = (message["data"]["symbol"], message["data"]["time"])
            first = stats.first.setdefault(key, now)
            stats.last[key] = now
            stats.receipts[key] = stats.receipts.get(key, 0) + 1
            stats.lags.append((key, now - first))
        elif kind == "dropped":
            stats.dropped_notices += 1
            stats.dropped_count += message["data"]["count"]
        elif kind == "error":
            stats.errors.append(message)
        else:
            stats.other[kind] = stats.other.get(kind, 0) + 1


async def drain(ws, subscriptions):
    """Unsubscribes a slow client, then reads what was queued for it until
    the `unsubscribed` replies (queued behind the backlog) arrive, or 3 s of
    silence (a reply can itself be dropped from a full outbox).
    Returns (events, their bytes, dropped notices, events the server dropped)."""
    for channel, symbol in subscriptions:
        await ws.send(json.dumps({"type": "unsubscribe", "channel": channel, "symbol": symbol}))
    events = size = notices = dropped = unsubscribed = 0
    try:
        while unsubscribed < len(subscriptions):
            text = await asyncio.wait_for(ws.recv(), timeout=3)
            message = json.loads(text)
            kind = message.get("type")
            if kind == "dropped":
                notices += 1
                dropped += message["data"]["count"]
            elif kind == "unsubscribed":
                unsubscribed += 1
            elif kind in ("tick", "book", "candle"):
                events += 1
                size += len(text)
    except asyncio.TimeoutError:
        pass
    return events, size, notices, dropped


async def sample_rss(samples, stop):
    while not stop.is_set():
        samples.append(rss_mib())
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except asyncio.TimeoutError:
            pass


async def open_all(count, token_of, subscriptions, setup_times, **options):
    gate = asyncio.Semaphore(100)  # handshakes in flight at once
    results = await asyncio.gather(*(open_client(token_of(i), subscriptions, gate, setup_times, **options)
                                     for i in range(count)), return_exceptions=True)
    opened = [result for result in results if not isinstance(result, BaseException)]
    errors = [result for result in results if isinstance(result, BaseException)]
    return opened, errors


# -- the run ----------------------------------------------------------------

async def main():
    users = math.ceil((CLIENTS + SLOW) / PER_USER)
    rss_idle = rss_mib()
    started = time.perf_counter()
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=4) as pool:
        tokens = await asyncio.gather(*(loop.run_in_executor(pool, sign_up, i) for i in range(users)))
    signed_up = time.perf_counter() - started
    symbols = instruments(tokens[0])
    print(f"feed: synthetic, {len(symbols)} symbols ({', '.join(symbols)}), --feed-speed {FEED_SPEED:g}: "
          f"nominally {FEED_SPEED:g} trades and books per symbol per second"
          + (f", {len(symbols) * FEED_SPEED:g} ticks/s per client, {CLIENTS * len(symbols) * FEED_SPEED:,.0f} "
             f"tick messages/s for {CLIENTS} reading clients" if CLIENTS else ""))
    print(f"users: {users} registered and signed in ({PER_USER} connections each at most) "
          f"in {signed_up:.1f} s (bcrypt cost {os.environ.get('LUNAR_BCRYPT_COST', '12')}, two hashes each)")
    rss_users = rss_mib()

    # The slow clients first: they stall for the whole run.
    slow_subscriptions = [(channel, symbol) for symbol in symbols for channel in ("ticks", "book", "candles")]
    slow, slow_errors = await open_all(SLOW, lambda i: tokens[(CLIENTS + i) // PER_USER], slow_subscriptions, [],
                                       receive_buffer=4096, max_queue=4)
    slow_started = time.perf_counter()

    reading = CLIENTS > 0
    setup_times = []
    connect_started = time.perf_counter()
    opened, errors = await open_all(CLIENTS, lambda i: tokens[i // PER_USER],
                                    [("ticks", symbol) for symbol in symbols], setup_times)
    connect_seconds = time.perf_counter() - connect_started
    if not reading:
        print(f"slow clients connected: {len(slow)} of {SLOW}")
    else:
        print(f"clients connected: {len(opened)} of {CLIENTS} in {connect_seconds:.2f} s "
              f"(+ {len(slow)} of {SLOW} slow clients); per connection (handshake, welcome, {len(symbols)} subscriptions, "
              f"100 in flight) p50 {percentile(setup_times, 50) * 1000:.0f} ms, p99 {percentile(setup_times, 99) * 1000:.0f} ms")
    for error in (errors + slow_errors)[:3]:
        print(f"  connect error: {error!r}")
    if len(opened) < CLIENTS:
        fail(f"only {len(opened)} of {CLIENTS} clients connected")
    if len(slow) < SLOW:
        fail(f"only {len(slow)} of {SLOW} slow clients connected")

    stats = Stats()
    readers = [asyncio.ensure_future(read(ws, stats)) for ws in opened]
    rss_connected = rss_mib()
    samples, stop_sampling = [], asyncio.Event()
    sampler = asyncio.ensure_future(sample_rss(samples, stop_sampling))
    if reading:
        await asyncio.sleep(1)  # the backlog of the first clients is read
    server_cpu, client_cpu = cpu_seconds(SERVER_PID), cpu_seconds()
    window_started = time.perf_counter()
    stats.measuring = True
    await asyncio.sleep(SECONDS)
    stats.measuring = False
    window = time.perf_counter() - window_started
    server_cpu, client_cpu = cpu_seconds(SERVER_PID) - server_cpu, cpu_seconds() - client_cpu
    stop_sampling.set()
    await sampler
    rss_end = rss_mib()

    print(f"window: {window:.1f} s; server CPU {server_cpu / window * 100:.0f}% of a core, "
          f"this client process {client_cpu / window * 100:.0f}% of a core")
    if reading:
        published = len(stats.receipts)
        # Ticks first seen a second or more inside the window: none of their copies
        # arrived before it, and all had time to arrive before its end.
        settled = [key for key, first in stats.first.items() if window_started + 1 < first < window_started + window - 1]
        delivered = sum(stats.receipts[key] for key in settled) / max(len(settled) * len(opened), 1) * 100
        print(f"ticks published in the window: {published:,} ({published / window / max(len(symbols), 1):.1f} per symbol per second)")
        print(f"tick messages received: {stats.ticks:,} = {stats.ticks / window:,.0f} messages/s; "
              f"{delivered:.2f}% of the ticks x clients that were due (ticks first seen inside the window, 1 s from its ends)")
        complete = [stats.last[key] - stats.first[key] for key in settled if stats.receipts[key] == len(opened)]
        due = set(settled)
        lags = [lag for key, lag in stats.lags if key in due]
        print(f"fan-out lag (each receipt of a due tick - its first receipt by any client): "
              f"p50 {percentile(lags, 50) * 1000:.1f} ms, p99 {percentile(lags, 99) * 1000:.1f} ms, "
              f"max {max(lags, default=float('nan')) * 1000:.1f} ms")
        print(f"first-to-last receipt per tick ({len(complete):,} of {len(settled):,} due ticks reached every client): "
              f"p50 {percentile(complete, 50) * 1000:.1f} ms, p99 {percentile(complete, 99) * 1000:.1f} ms")
        print(f"reading clients: {stats.dropped_notices} dropped notices ({stats.dropped_count:,} events dropped), "
              f"{len(stats.errors)} errors, other events {stats.other or 'none'}")
        if stats.ticks == 0:
            fail("no tick received")
        if stats.errors:
            fail(f"error events: {stats.errors[:3]}")

    quarters = [samples[min(len(samples) - 1, len(samples) * q // 4)] for q in range(1, 5)] if samples else []
    print(f"server RSS: idle {rss_idle:.1f} MiB; {users} users signed in {rss_users:.1f} MiB; "
          f"clients connected {rss_connected:.1f} MiB; during the window {' / '.join(f'{rss:.1f}' for rss in quarters)} MiB "
          f"(at 25/50/75/100%), peak {max(samples, default=float('nan')):.1f} MiB, end {rss_end:.1f} MiB")

    stalled = time.perf_counter() - slow_started
    drained = await asyncio.gather(*(drain(ws, slow_subscriptions) for ws in slow))
    backlog = sum(events for events, _, _, _ in drained)
    size = sum(size for _, size, _, _ in drained)
    notices = sum(n for _, _, n, _ in drained)
    dropped = sum(d for _, _, _, d in drained)
    average = size / max(backlog, 1)
    if slow:
        print(f"slow clients: {len(slow)} read nothing for {stalled:.0f} s (ticks, books and candles of every symbol, "
              f"4 KiB receive buffer); then unsubscribed and drained: {backlog:,} events ({size / 2**20:.1f} MiB) were "
              f"queued for them ({backlog / max(len(slow), 1):,.0f} each, in the 512-event outbox and the socket buffers); "
              f"{notices} dropped notices counted {dropped:,} events ({dropped * average / 2**20:,.1f} MiB at "
              f"{average:.0f} bytes each) that the server discarded rather than buffer")
        if dropped == 0:
            print("  (no drops: everything sent to the slow clients fit in their outboxes and socket buffers)")
        if backlog == 0:
            fail("the slow clients were sent nothing")
    rss_drained = rss_mib()
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in opened + slow), return_exceptions=True)
    await asyncio.sleep(2)
    print(f"server RSS after draining the slow clients {rss_drained:.1f} MiB; "
          f"after every client closed {rss_mib():.1f} MiB")
    try:
        os.kill(SERVER_PID, 0)
    except ProcessLookupError:
        fail("the server exited")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # progress shows under make
    asyncio.run(main())
    if failures:
        print(f"bench-ws: {len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
