-- wrk script of bench/web/run.sh.
--   wrk ... -s saima.lua URL                 the URL, every request
--   wrk ... -s saima.lua URL -- /unit/ C01 C02 ...   rotates over PREFIX..CODE (one per request)
-- The Cookie header comes from wrk's -H option (wrk.format merges wrk.headers). As a browser does,
-- a new saima.auth cookie in a response replaces the one sent: the server checks a session against
-- the user's security stamp once a minute and then re-issues the cookie (IdentityExtensions.
-- SessionCheck); a client that kept sending the old one would have every request checked again.
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
    local path = wrk.path
    if paths ~= nil then
        counter = counter + 1
        path = paths[(counter % #paths) + 1]
    end
    return wrk.format("GET", path)
end

function response(status, headers, body)
    local set = headers["Set-Cookie"]
    if set == nil then
        return
    end
    local value = string.match(set, "^saima%.auth=([^;]*)")
    local cookie = wrk.headers["Cookie"]
    if value ~= nil and value ~= "" and cookie ~= nil then
        wrk.headers["Cookie"] = string.gsub(cookie, "saima%.auth=[^;]*", "saima.auth=" .. string.gsub(value, "%%", "%%%%"), 1)
    end
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
