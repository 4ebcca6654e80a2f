-- wrk script of bench/web/run.sh.
--   wrk ... -s saima.lua URL                 the URL, every request
--   wrk ... -s saima.lua URL -- /unit/ C01 C02 ...   rotates over PREFIX..CODE (one per request)
-- The Cookie header comes from wrk's -H option (wrk.format merges wrk.headers).
-- done() prints one machine-readable line: latency percentiles in ms, requests/s and errors.

local paths = nil
local counter = 0

function init(args)
    if #args >= 2 then
        paths = {}
        for i = 2, #args do
            paths[#paths + 1] = args[1] .. args[i]
        end
        -- Threads start at different codes so that they do not ask for the same page in step.
        counter = math.random(0, #paths - 1)
    end
end

function request()
    if paths == nil then
        return wrk.request()
    end
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format(
        "RESULT p50_ms=%.2f p90_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f rps=%.1f requests=%d non2xx=%d socket_errors=%d\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000, summary.requests / seconds, summary.requests,
        e.status, e.connect + e.read + e.write + e.timeout))
end
