-- wrk script: posts CTI events in batches, as a PBX adapter does when it has several events to deliver at once:
-- each request carries 25 new calls, each offered and then ended (50 events). Events/s = req/s × 50.
local counter = 0
local prefix = ""

function setup(thread)
  thread:set("tid", tostring(math.random(1, 1e9)))
end

function init(args)
  prefix = "batch-" .. tid .. "-" .. tostring(os.time())
end

function request()
  counter = counter + 1
  local at = os.date("!%Y-%m-%dT%H:%M:%SZ")
  local events = {}
  for i = 1, 25 do
    local call = prefix .. "-" .. tostring(counter) .. "-" .. tostring(i)
    events[#events + 1] = string.format(
      '{"id":"%s-o","type":"call.offered","callId":"%s","at":"%s","from":"13900001111","to":"4009990000"}', call, call, at)
    events[#events + 1] = string.format('{"id":"%s-e","type":"call.ended","callId":"%s","at":"%s","by":"caller"}', call, call, at)
  end
  return wrk.format("POST", "/api/v1/cti/events",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("KEFU_TOKEN") },
    "[" .. table.concat(events, ",") .. "]")
end
