#!/usr/bin/env python3
"""A local receiver for Lunar's alert webhooks: prints each POST and checks its
Lunar-Signature (docs/api.md, "Alert webhooks").

    scripts/webhook-receiver.py --port 9900 --secret <the webhook's secret>

Point a webhook at http://127.0.0.1:9900/ on a server started with
--allow-private-webhooks (loopback targets are refused otherwise).
--fail N answers 500 to the first N requests, to watch the retries.
"""
import argparse, hashlib, hmac, json, time
from http.server import BaseHTTPRequestHandler, HTTPServer


def verify(header, body, secret, tolerance=300):
    parts = dict(p.strip().split("=", 1) for p in (header or "").split(",") if "=" in p)
    if "t" not in parts or "v1" not in parts:
        return "missing"
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts["v1"]):
        return "BAD SIGNATURE"
    if abs(time.time() - int(parts["t"])) > tolerance:
        return "too old"
    return "ok"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=9900)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--fail", type=int, default=0, help="answer 500 to the first N requests")
    args = parser.parse_args()
    seen = {"count": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen["count"] += 1
            status = 500 if seen["count"] <= args.fail else 200
            signature = verify(self.headers.get("Lunar-Signature"), body, args.secret)
            try:
                event = json.loads(body)
            except ValueError:
                event = {}
            alert = event.get("alert", {})
            print(f"{time.strftime('%H:%M:%S')} #{seen['count']} delivery {self.headers.get('Lunar-Delivery')} "
                  f"{self.headers.get('Lunar-Event')} signature {signature} -> {status}: "
                  f"{alert.get('kind', '')} {alert.get('state', '')} {alert.get('message', event.get('message', ''))}", flush=True)
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    HTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
