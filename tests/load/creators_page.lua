-- wrk script: POST one GraphQL request with a bearer token, both from the environment
-- (GQL_TOKEN, GQL_BODY), and report req/s, p50 and p99 in one line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("GQL_TOKEN"), "set GQL_TOKEN")
wrk.body = os.getenv("GQL_BODY")
  or '{"query":"{ creators(first: 20, filter: {market: \\"US\\"}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id handle followers ecommerceCapable niches { share niche { name } } } } } }"}'
local bad = 0
response = function(status, headers, body)
  if status ~= 200 or body:find('"errors"') then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("req/s %.0f  p50 %.2f ms  p99 %.2f ms  non-2xx %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
