# Sourced by fuzz-api.sh, bench-http.sh and bench-ws.sh: starts `$LUNAR serve` on $PORT
# (in-process host, temp database, rate limits and the per-address connection cap out of the way), stops it on
# exit, and signs up a user: sets B (base URL), TOKEN (its access token) and
# SERVER (the server's pid). TOOL_SERVE_FLAGS adds flags (bench-ws.sh: the feed speed).
WORK=$(mktemp -d)
# bcrypt cost 4: the tools sign up many users (bench-ws.sh: one per 3 clients);
# the cost of a hash is not what they measure. Exported: the tools report it.
export LUNAR_BCRYPT_COST=${LUNAR_BCRYPT_COST:-4}
# A known superadmin (bench-http-setup.py approves listings with it).
export LUNAR_ADMIN_EMAIL=admin@example.com LUNAR_ADMIN_PASSWORD=tool-admin-password-1
# Every tool client comes from 127.0.0.1: lift the per-address connection cap too.
LUNAR_AUTH_RATE_LIMIT=100000000 LUNAR_API_RATE_LIMIT=100000000 LUNAR_ANONYMOUS_RATE_LIMIT=100000000 LOG_LEVEL=warning \
  LUNAR_MAX_CONNECTIONS_PER_ADDRESS=100000 \
  "$LUNAR" serve --port "$PORT" --host-mode in-process --database "$WORK/lunar.sqlite" \
  --jwt-secret-file "$WORK/jwt-secret" ${TOOL_SERVE_FLAGS:-} > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
B=http://127.0.0.1:$PORT
# Up to 30 s: a loaded machine (parallel builds) has taken over 10 s to start it.
for _ in $(seq 1 150); do curl -sf "$B/api/health" >/dev/null && break; sleep 0.2; done
curl -sf -X POST "$B/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"username":"tool","email":"tool@example.com","password":"correct-horse-42"}' >/dev/null
TOKEN=$(curl -sf -X POST "$B/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"login":"tool","password":"correct-horse-42"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["accessToken"])')
