#!/usr/bin/env python3
"""Seeds a bench server for scripts/bench-http.sh: LISTINGS approved
marketplace listings (each its own strategy and validated version, approved
by the superadmin that serve-for-tools.sh configures) and one running
deployment of the signed-in tool user. Prints the deployment id."""
import json
import os
import sys
import urllib.error
import urllib.request

BASE = os.environ["B"]
TOKEN = os.environ["TOKEN"]
LISTINGS = int(os.environ.get("BENCH_LISTINGS", "40"))


def call(method, path, body=None, token=TOKEN):
    request = urllib.request.Request(BASE + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        sys.exit(f"bench setup: {method} {path} answered {error.code}: {error.read()[:300]!r}")


def main():
    source = open("strategies/sma_crossover.lua").read()
    admin = call("POST", "/api/auth/login", {"login": os.environ["LUNAR_ADMIN_EMAIL"],
                                             "password": os.environ["LUNAR_ADMIN_PASSWORD"]}, token="")["accessToken"]
    version = None
    for index in range(LISTINGS):
        strategy = call("POST", "/api/strategies", {"name": f"SMA crossover {index}"})["id"]
        version = call("POST", f"/api/strategies/{strategy}/versions", {"source": source})["id"]
        listing = call("POST", "/api/marketplace/listings", {
            "strategyId": strategy, "versionId": version, "title": f"Trend crossover {index}",
            "summary": f"A moving-average crossover, variant {index}.", "category": "trend", "tags": ["btc", "sma"],
            "price": {"amount": f"{(1_000 + index) / 100:.2f}", "currency": "USD"}})["id"]
        call("POST", f"/api/admin/listings/{listing}/approve", token=admin)
    deployment = call("POST", "/api/deployments", {"versionId": version})["id"]
    print(deployment)


if __name__ == "__main__":
    main()
