-- search.lua: wrk script for /api/search with a rotating set of queries.
--
--   wrk ... -s tests/bench/search.lua http://127.0.0.1:PORT -- QUERIES
--
-- QUERIES has one query per line (UTF-8).  Each wrk thread reads it,
-- URL-encodes every query once, and sends them in turn, starting at a
-- different place per thread so that the threads do not move in step.

local requests = {}
local next_one = 0
local threads = 0

local function urlencode(s)
	return (s:gsub("[^%w%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

function setup(thread)
	thread:set("thread_id", threads)
	threads = threads + 1
end

function init(args)
	local path = args[1]
	if path == nil then
		error("search.lua: give the queries file after --")
	end
	for line in io.lines(path) do
		line = line:gsub("\r$", "")
		if line ~= "" then
			requests[#requests + 1] = wrk.format("GET",
			    "/api/search?q=" .. urlencode(line))
		end
	end
	if #requests == 0 then
		error("search.lua: no queries in " .. path)
	end
	next_one = (rawget(_G, "thread_id") or 0) * 7 % #requests
end

function request()
	next_one = next_one % #requests + 1
	return requests[next_one]
end
