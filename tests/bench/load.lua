-- load.lua: wrk script for kbd's benchmark (tests/bench/run).
--
--   wrk ... -s tests/bench/load.lua http://127.0.0.1:PORT -- search QUERIES
--   wrk ... -s tests/bench/load.lua http://127.0.0.1:PORT -- suggest QUERIES
--   wrk ... -s tests/bench/load.lua http://127.0.0.1:PORT -- mixed SLUGS QUERIES
--   wrk ... -s tests/bench/load.lua http://127.0.0.1:PORT -- uncached WORDS
--   wrk ... -s tests/bench/load.lua http://127.0.0.1:PORT -- readers SLUGS
--
-- QUERIES has one query per line (UTF-8), SLUGS one article slug per line.
--   search   /api/search?q=<query>, the queries in turn;
--   suggest  /api/suggest?limit=6 (as static/search.js asks) with each
--            query as it is being typed: its last two characters (not
--            bytes) left out when it is longer than four bytes, as
--            search_bench -s does;
--   mixed    of every ten requests two /api/top, four article pages
--            /a/<slug>, two searches and two suggestions as above; the
--            slugs with a large stride, so that a minute of load visits
--            most of the articles (for the memory measurement);
--   uncached /api/search?q=<word> <word>, two words of WORDS (one a line,
--            tests/bench/pairs.py words) at random each time: with two
--            thousand words, four million queries, so that nearly every
--            search misses kbd's answer cache, as customers' long tail
--            does.
--   readers  article pages /a/<slug> in turn, each as a reader of its own
--            (an address of 10.0.0.0/8 in X-Real-IP, which kbd believes
--            from loopback, and a browser's User-Agent): every request
--            counts a hit, the most a node can have to write (cluster
--            mode's write load).
-- Every URL is encoded once, in init; each wrk thread starts at a
-- different place in each list, so that the threads do not move in step.

local lists = { pages = {}, searches = {}, suggests = {}, words = {} }
local at = { pages = 0, searches = 0, suggests = 0 }
local top
local cycle
local n = 0
local stride = 7919
local threads = 0

local cycles = {
	search = { "searches" },
	suggest = { "suggests" },
	mixed = { "top", "pages", "searches", "pages", "suggests",
	    "top", "pages", "searches", "pages", "suggests" },
	uncached = { "random" },
	readers = { "reader" },
}

local function urlencode(s)
	return (s:gsub("[^%w%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

-- s without its last UTF-8 character.
local function drop_last(s)
	return (s:gsub("[%z\1-\127\194-\244][\128-\191]*$", ""))
end

local function gcd(a, b)
	while b ~= 0 do
		a, b = b, a % b
	end
	return a
end

-- The non-empty lines of the file path.
local function lines(path, what)
	local t = {}
	if path == nil then
		error("load.lua: give the " .. what .. " file after the mode")
	end
	for line in io.lines(path) do
		line = line:gsub("\r$", "")
		if line ~= "" then
			t[#t + 1] = line
		end
	end
	if #t == 0 then
		error("load.lua: no " .. what .. " in " .. path)
	end
	return t
end

function setup(thread)
	thread:set("thread_id", threads)
	threads = threads + 1
end

function init(args)
	local mode, id = args[1], rawget(_G, "thread_id") or 0
	local typed

	cycle = cycles[mode]
	if cycle == nil then
		error("load.lua: the mode is search, suggest, mixed, " ..
		    "uncached or readers")
	end
	if mode == "readers" then
		for _, slug in ipairs(lines(args[2], "slugs")) do
			lists.pages[#lists.pages + 1] = "/a/" .. urlencode(slug)
		end
		math.randomseed(os.time() * 7 + id * 104729)
		return
	end
	if mode == "uncached" then
		for _, w in ipairs(lines(args[2], "words")) do
			lists.words[#lists.words + 1] = urlencode(w)
		end
		math.randomseed(os.time() * 7 + id * 104729)
		return
	end
	top = wrk.format("GET", "/api/top")
	if mode == "mixed" then
		for _, slug in ipairs(lines(args[2], "slugs")) do
			lists.pages[#lists.pages + 1] = wrk.format("GET",
			    "/a/" .. urlencode(slug))
		end
		while gcd(stride, #lists.pages) ~= 1 do
			stride = stride + 1
		end
		at.pages = id * 10007 % #lists.pages
	end
	for _, q in ipairs(lines(args[mode == "mixed" and 3 or 2], "queries")) do
		lists.searches[#lists.searches + 1] = wrk.format("GET",
		    "/api/search?q=" .. urlencode(q))
		typed = q
		if #typed > 4 then
			typed = drop_last(drop_last(typed))
		end
		lists.suggests[#lists.suggests + 1] = wrk.format("GET",
		    "/api/suggest?limit=6&q=" .. urlencode(typed))
	end
	at.searches = id * 7 % #lists.searches
	at.suggests = id * 13 % #lists.suggests
end

function request()
	local kind, list

	n = n % #cycle + 1
	kind = cycle[n]
	if kind == "top" then
		return top
	end
	if kind == "random" then
		local w = lists.words
		return wrk.format("GET", "/api/search?q=" ..
		    w[math.random(#w)] .. "+" .. w[math.random(#w)])
	end
	if kind == "reader" then
		local p = lists.pages
		at.pages = at.pages % #p + 1
		return wrk.format("GET", p[at.pages], {
		    ["X-Real-IP"] = string.format("10.%d.%d.%d",
			math.random(0, 255), math.random(0, 255),
			math.random(1, 254)),
		    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; " ..
			"rv:128.0) Gecko/20100101 Firefox/128.0" })
	end
	list = lists[kind]
	at[kind] = (at[kind] + (kind == "pages" and stride or 1)) % #list
	return list[at[kind] + 1]
end
