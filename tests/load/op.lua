-- wrk script for one operation of tests/load/mix.sh: POSTs one GraphQL query to each of a
-- few targets in turn, each with its own bearer token, and reports one JSON line.
--   GQL_OP     name of the operation (for the report)
--   GQL_QUERY  the query, with $ID where the target's id goes
--   GQL_ITEMS  targets, "id token" pairs separated by ";"
--   GQL_OUT    file the JSON line is appended to (else stdout)
-- An answer counts as an error when its status is not 2xx or its body has "errors".
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local op = os.getenv("GQL_OP") or "op"
local query = assert(os.getenv("GQL_QUERY"), "set GQL_QUERY")
local items = assert(os.getenv("GQL_ITEMS"), "set GQL_ITEMS")
local out = os.getenv("GQL_OUT")

local function json_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n') .. '"'
end

local requests = {}
for pair in items:gmatch("[^;]+") do
  local id, token = pair:match("^%s*(%S+)%s+(%S+)%s*$")
  assert(id, "bad GQL_ITEMS entry: " .. pair)
  local body = '{"query":' .. json_string((query:gsub("%$ID", id))) .. '}'
  requests[#requests + 1] = wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. token }, body)
end
assert(#requests > 0, "GQL_ITEMS is empty")

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

-- globals, so that done() can read them from each thread
n, gql_errors, first_error = 0, 0, nil
function init(args)
  n = id or 0
end

function request()
  n = n + 1
  return requests[(n % #requests) + 1]
end

function response(status, headers, body)
  if status < 200 or status > 299 or body:find('"errors"', 1, true) then
    gql_errors = gql_errors + 1
    if first_error == nil then first_error = status .. " " .. body:sub(1, 300) end
  end
end

function done(summary, latency, requests_)
  local errors, first = 0, nil
  for _, t in ipairs(threads) do
    errors = errors + t:get("gql_errors")
    first = first or t:get("first_error")
  end
  local e = summary.errors
  local line = string.format(
    '{"op":%s,"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,'
      .. '"max_ms":%.2f,"errors":%d,"non_2xx":%d,"socket_errors":%d,"first_error":%s}\n',
    json_string(op), summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, e.status,
    e.connect + e.read + e.write + e.timeout, first and json_string(first) or "null")
  if out then
    local f = assert(io.open(out, "a"))
    f:write(line)
    f:close()
  else
    io.write(line)
  end
end
