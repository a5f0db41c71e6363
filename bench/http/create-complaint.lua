-- wrk script: creates complaints for one customer (KEFU_CUSTOMER) as the token's user.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEFU_TOKEN")
wrk.body = '{"customerId":"' .. os.getenv("KEFU_CUSTOMER") .. '","channel":"Phone","category":"LOGISTICS","severity":"Medium","summary":"压测：包裹延迟一周未送达"}'
