-- mixed.lua: wrk script for a mixed load, for the memory measurement.
--
--   wrk ... -s tests/bench/mixed.lua http://127.0.0.1:PORT -- SLUGS QUERIES
--
-- SLUGS has one article slug per line, QUERIES one query per line (UTF-8).
-- Every ten requests are two /api/top, four article pages /a/<slug>, two
-- /api/search?q=<query> and two /api/suggest with the query as it is being
-- typed (its last two characters left out, as suggest.lua does).  Each
-- kind goes through its list in turn; the slugs with a large stride, so
-- that a minute of load visits most of the articles, and each thread
-- starts at a different place.

local top, pages, searches, suggests = {}, {}, {}, {}
local at = { pages = 0, searches = 0, suggests = 0 }
local n = 0
local stride = 7919
local threads = 0
-- The order of one cycle of ten requests.
local cycle = { "top", "pages", "searches", "pages", "suggests",
    "top", "pages", "searches", "pages", "suggests" }

local function urlencode(s)
	return (s:gsub("[^%w%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

local function drop_last(s)
	return (s:gsub("[%z\1-\127\194-\244][\128-\191]*$", ""))
end

local function gcd(a, b)
	while b ~= 0 do
		a, b = b, a % b
	end
	return a
end

local function lines(path, what)
	local t = {}
	if path == nil then
		error("mixed.lua: give the slugs and the queries files after --")
	end
	for line in io.lines(path) do
		line = line:gsub("\r$", "")
		if line ~= "" then
			t[#t + 1] = line
		end
	end
	if #t == 0 then
		error("mixed.lua: no " .. what .. " in " .. path)
	end
	return t
end

function setup(thread)
	thread:set("thread_id", threads)
	threads = threads + 1
end

function init(args)
	local id = rawget(_G, "thread_id") or 0
	local typed
	top = wrk.format("GET", "/api/top")
	for _, slug in ipairs(lines(args[1], "slugs")) do
		pages[#pages + 1] = wrk.format("GET", "/a/" .. urlencode(slug))
	end
	for _, q in ipairs(lines(args[2], "queries")) do
		searches[#searches + 1] = wrk.format("GET",
		    "/api/search?q=" .. urlencode(q))
		typed = q
		if #typed > 4 then
			typed = drop_last(drop_last(typed))
		end
		suggests[#suggests + 1] = wrk.format("GET",
		    "/api/suggest?limit=6&q=" .. urlencode(typed))
	end
	while gcd(stride, #pages) ~= 1 do
		stride = stride + 1
	end
	at.pages = id * 10007 % #pages
	at.searches = id * 7 % #searches
	at.suggests = id * 13 % #suggests
end

function request()
	local kind, list, step
	n = n % #cycle + 1
	kind = cycle[n]
	if kind == "top" then
		return top
	end
	list = (kind == "pages" and pages) or (kind == "searches" and searches)
	    or suggests
	step = (kind == "pages") and stride or 1
	at[kind] = (at[kind] + step) % #list
	return list[at[kind] + 1]
end
