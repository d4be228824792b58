-- GET /ping: Kestrel and routing alone, the ceiling a prediction request is measured against on the same machine.
wrk.method = "GET"
