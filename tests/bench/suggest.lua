-- suggest.lua: wrk script for /api/suggest with a rotating set of prefixes.
--
--   wrk ... -s tests/bench/suggest.lua http://127.0.0.1:PORT -- QUERIES
--
-- QUERIES has one query per line (UTF-8).  Each query is sent as it is
-- being typed: with its last two characters (not bytes) left out when it
-- is longer than four bytes, as search_bench -s does, and with limit=6 as
-- static/search.js asks.  Each wrk thread sends the prefixes in turn,
-- starting at a different place per thread.

local requests = {}
local next_one = 0
local threads = 0

local function urlencode(s)
	return (s:gsub("[^%w%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

-- s without its last UTF-8 character.
local function drop_last(s)
	return (s:gsub("[%z\1-\127\194-\244][\128-\191]*$", ""))
end

function setup(thread)
	thread:set("thread_id", threads)
	threads = threads + 1
end

function init(args)
	local path = args[1]
	if path == nil then
		error("suggest.lua: give the queries file after --")
	end
	for line in io.lines(path) do
		line = line:gsub("\r$", "")
		if #line > 4 then
			line = drop_last(drop_last(line))
		end
		if line ~= "" then
			requests[#requests + 1] = wrk.format("GET",
			    "/api/suggest?limit=6&q=" .. urlencode(line))
		end
	end
	if #requests == 0 then
		error("suggest.lua: no queries in " .. path)
	end
	next_one = (rawget(_G, "thread_id") or 0) * 7 % #requests
end

function request()
	next_one = next_one % #requests + 1
	return requests[next_one]
end
