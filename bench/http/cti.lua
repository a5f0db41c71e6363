-- wrk script: posts CTI events, each with a new id; even requests offer a new call, odd ones end it.
local counter = 0
local prefix = ""

function setup(thread)
  thread:set("tid", tostring(math.random(1, 1e9)))
end

function init(args)
  prefix = "bench-" .. tid .. "-" .. tostring(os.time())
end

function request()
  counter = counter + 1
  local call = prefix .. "-" .. tostring(math.floor(counter / 2))
  local body
  if counter % 2 == 0 then
    body = string.format('{"id":"%s-o","type":"call.offered","callId":"%s","at":"%s","from":"13900001111","to":"4009990000"}',
      call, call, os.date("!%Y-%m-%dT%H:%M:%SZ"))
  else
    body = string.format('{"id":"%s-e","type":"call.ended","callId":"%s","at":"%s","by":"caller"}',
      call, call, os.date("!%Y-%m-%dT%H:%M:%SZ"))
  end
  return wrk.format("POST", "/api/v1/cti/events", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("KEFU_TOKEN") }, body)
end
