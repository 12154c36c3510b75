-- wrk script for scripts/bench-http.sh: every request a different query
-- string (a price ceiling far above every listing, so the same listings
-- come back), so the Gateway's search-page cache never answers and each
-- request runs the store's search. The Authorization header comes from -H.
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  local ceiling = math.random(100000, 999999999)
  return wrk.format("GET", "/api/marketplace/listings?q=crossover&limit=20&maxPrice=" .. ceiling .. ".00")
end
