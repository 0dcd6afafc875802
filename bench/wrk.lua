-- wrk script of bench/run.py: a fixed number of requests, configured by environment
-- variables. BENCH_PATHS (space separated, used in turn), BENCH_METHOD, BENCH_COOKIE,
-- BENCH_CONTENT_TYPE, BENCH_BODY_FILE (the string @@TOKEN@@ in it becomes a fresh UUID per
-- request, so that no two submissions share a form token), BENCH_TOKEN_PREFIX,
-- BENCH_LIMIT (requests, then stop) and BENCH_OUT (where the JSON summary is written).

local method = os.getenv("BENCH_METHOD") or "GET"
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
  paths[#paths + 1] = p
end
local limit = tonumber(os.getenv("BENCH_LIMIT") or "1000")
local out = os.getenv("BENCH_OUT") or "/dev/stdout"
local token_prefix = os.getenv("BENCH_TOKEN_PREFIX") or "00000000-0000-4000-8000-"
local headers = {}
if os.getenv("BENCH_COOKIE") then headers["Cookie"] = os.getenv("BENCH_COOKIE") end
if os.getenv("BENCH_CONTENT_TYPE") then headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") end

local prefix, suffix
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file then
  local f = assert(io.open(body_file, "rb"))
  local body = f:read("*a")
  f:close()
  local s, e = string.find(body, "@@TOKEN@@", 1, true)
  if s then
    prefix, suffix = body:sub(1, s - 1), body:sub(e + 1)
  else
    prefix, suffix = body, nil
  end
end

-- wrk 4.1 keeps sleeping for its -d duration after a thread stops: when the limit is
-- reached the thread writes BENCH_OUT..".stopped" and bench/load.py interrupts wrk (SIGINT
-- ends the run early with the usual summary). The clock below times the requests exactly.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

sent = 0
completed = 0
statuses = {}
started_at = 0
finished_at = 0

function request()
  if sent == 0 then started_at = now() end
  sent = sent + 1
  local path = paths[(sent - 1) % #paths + 1]
  local body = nil
  if prefix then
    if suffix then
      body = prefix .. token_prefix .. string.format("%012x", sent) .. suffix
    else
      body = prefix
    end
  end
  return wrk.format(method, path, headers, body)
end

-- Server-side times per response (bench/middleware.py), kept for percentiles.
cpu_ms = {}
sql_ms = {}
query_counts = {}

function response(status, hdrs, body)
  completed = completed + 1
  local cpu, sql = hdrs["X-Bench-CPU"], hdrs["X-Bench-SQL"]
  if cpu then cpu_ms[#cpu_ms + 1] = tonumber(cpu) end
  if sql then sql_ms[#sql_ms + 1] = tonumber(sql) end
  local queries = hdrs["X-Bench-Queries"]
  if queries then query_counts[#query_counts + 1] = tonumber(queries) end
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if completed == limit then
    finished_at = now()
    local marker = io.open(out .. ".stopped", "w")
    if marker then marker:close() end
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local counts, first, last, measured = {}, nil, 0, 0
  local cpu, sql, queries = {}, {}, {}
  for _, thread in ipairs(threads) do
    for _, v in ipairs(thread:get("query_counts") or {}) do queries[#queries + 1] = v end
    for _, v in ipairs(thread:get("cpu_ms") or {}) do cpu[#cpu + 1] = v end
    for _, v in ipairs(thread:get("sql_ms") or {}) do sql[#sql + 1] = v end
    local s = thread:get("statuses") or {}
    for k, v in pairs(s) do counts[k] = (counts[k] or 0) + v end
    local a, b = thread:get("started_at"), thread:get("finished_at")
    if a and a > 0 and (first == nil or a < first) then first = a end
    if b and b > last then last = b end
    measured = measured + (thread:get("completed") or 0)
  end
  -- Exact time from the first request to the last counted response, when the limit was hit.
  local elapsed_us = summary.duration
  if first and last > first then elapsed_us = (last - first) * 1e6 end
  local function stats(values)
    if #values == 0 then return "null" end
    table.sort(values)
    local total = 0
    for _, v in ipairs(values) do total = total + v end
    local function at(p) return values[math.max(1, math.ceil(p / 100 * #values))] end
    return string.format('{"mean": %.3f, "p50": %.3f, "p95": %.3f, "max": %.3f}',
      total / #values, at(50), at(95), values[#values])
  end
  local parts = {}
  for k, v in pairs(counts) do parts[#parts + 1] = string.format('"%s": %d', k, v) end
  local e = summary.errors
  local f = assert(io.open(out, "w"))
  f:write(string.format(
    '{"requests": %d, "completed": %d, "elapsed_us": %d, "duration_us": %d, "bytes": %d, "mean_us": %.1f, "p50_us": %d, ' ..
    '"p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, ' ..
    '"statuses": {%s}, "server_cpu_ms": %s, "server_sql_ms": %s, "server_queries": %s}\n',
    summary.requests, measured, elapsed_us, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ", "),
    stats(cpu), stats(sql), stats(queries)))
  f:close()
end
