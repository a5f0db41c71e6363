-- wrk script: GET with the token of KEFU_TOKEN.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEFU_TOKEN")
