-- A mixed load for wrk: Library pages (60%), the uploads overview (20%), sign-ins (15%) and small
-- collector uploads (5%). COOKIE, TOKEN and PASSWORD come from the environment (bench/load.sh).
local cookie = os.getenv("COOKIE")
local token = os.getenv("TOKEN")
local password = os.getenv("PASSWORD"):gsub(" ", "+")
local counter = 0

request = function()
  counter = counter + 1
  local pick = counter % 20
  local same_site = { ["Sec-Fetch-Site"] = "same-origin", ["Cookie"] = cookie }
  if pick < 12 then
    same_site["Content-Type"] = "application/json"
    local offset = (counter % 40) * 50
    return wrk.format("POST", "/api/library/devices", same_site,
      '{"filter":{"status":"","reason":"","contract":"","site":"","pid":"","search":"","sort":"","descending":false},"offset":' .. offset .. '}')
  elseif pick < 16 then
    same_site["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", "/api/inventory/overview", same_site, "")
  elseif pick < 19 then
    local headers = { ["Sec-Fetch-Site"] = "same-origin", ["Content-Type"] = "application/x-www-form-urlencoded" }
    return wrk.format("POST", "/api/accounts/login", headers, "login=ben.user&password=" .. password)
  else
    local body = "serial_number,product_id\n"
    for n = 0, 9 do body = body .. string.format("LOAD%06d%02d,C9300-48P\n", counter % 1000000, n) end
    return wrk.format("POST", "/api/v1/uploads",
      { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "text/csv" }, body)
  end
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors: connect %d read %d write %d status %d timeout %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  io.write(string.format("throughput %.0f requests/s\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
