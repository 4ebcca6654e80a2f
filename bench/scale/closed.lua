-- Closed-loop load for bench/scale/run.sh (wrk, one thread, --connections connections): each
-- connection sends its next request as soon as the last one answered. The paths come from a file
-- (one a line, asked in file order, wrapping around); the run lasts wrk's -d.
--
--   wrk -t1 -c50 -d20s --timeout 60s -H "Cookie: ..." -s closed.lua http://host:port -- paths.txt
--
-- Prints one line: RESULT, answers, p50, p95 and max in ms, bytes an answer (headers included),
-- answers a second, answers not 2xx/3xx or not answered (timeouts, read or connect errors).
local paths, next_path = {}, 0

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then paths[#paths + 1] = line end
    end
end

function request()
    next_path = next_path % #paths + 1
    return wrk.format(nil, paths[next_path])
end

function done(summary, latency, requests)
    local e = summary.errors
    local n = math.max(summary.requests, 1)
    io.write(string.format("RESULT\t%d\t%.0f\t%.0f\t%.0f\t%d\t%.1f\t%d\n",
        summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000,
        math.floor(summary.bytes / n), summary.requests / (summary.duration / 1e6),
        e.status + e.timeout + e.read + e.connect + e.write))
end
