-- Ping-pong over a Unix socketpair, one thread, both ends in one loop:
-- the mio Lua binding against luv (libuv's Lua binding, Debian lua-luv,
-- which has a build for lua5.4) doing the same work.  A round trip is: A
-- writes 64 bytes, the loop wakes, B reads them and writes them back,
-- the loop wakes, A reads them.  luv is callback-based (read_start), so
-- its loop does the reads itself; the bytes moved are the same.  Prints
-- round trips/s and ns per round trip, the median of RUNS runs.
--
--     lua5.4 pingpong.lua [ROUND_TRIPS [RUNS]]
local mio = require "mio"
local ok_uv, uv = pcall(require, "luv")

local N = tonumber(arg[1]) or 100000
local RUNS = tonumber(arg[2]) or 5
local MSG = string.rep("x", 64)

local function now_ns()
	if ok_uv then return uv.hrtime() end
	return os.clock() * 1e9
end

local function bench_mio(n)
	local poll = assert(mio.Poll())
	local reg = poll:registry()
	local events = mio.Events(16)
	local a, b = mio.UnixStream.pair()
	assert(reg:register(a, 0, mio.READABLE))
	assert(reg:register(b, 1, mio.READABLE))
	local done = 0
	local t0 = now_ns()
	a:write(MSG)
	while done < n do
		poll:poll(events, nil)
		for ev in events:iter() do
			if ev:token() == 1 then
				b:write(b:read(4096))
			else
				a:read(4096)
				done = done + 1
				if done < n then a:write(MSG) end
			end
		end
	end
	local elapsed = now_ns() - t0
	a:close(); b:close(); poll:close()
	return elapsed
end

local function bench_luv(n)
	local fds = assert(uv.socketpair(nil, nil, { nonblock = true }, { nonblock = true }))
	local a, b = uv.new_pipe(false), uv.new_pipe(false)
	a:open(fds[1])
	b:open(fds[2])
	local done = 0
	b:read_start(function(err, data)
		assert(not err, err)
		if data then b:write(data) end
	end)
	a:read_start(function(err, data)
		assert(not err, err)
		if data then
			done = done + 1
			if done < n then a:write(MSG) else a:read_stop(); b:read_stop() end
		end
	end)
	local t0 = now_ns()
	a:write(MSG)
	uv.run()
	local elapsed = now_ns() - t0
	a:close(); b:close()
	uv.run()
	assert(done == n)
	return elapsed
end

local benches = { { "lua mio", bench_mio } }
if ok_uv then
	benches[2] = { "lua luv", bench_luv }
else
	io.stderr:write("luv not loadable from ", _VERSION, ": ", tostring(uv), "\n")
end

local results = {}
for _, b in ipairs(benches) do b[2](math.min(N, 1000)) end  -- warm up
for _ = 1, RUNS do  -- interleaved, so both see the same machine load
	for _, b in ipairs(benches) do
		results[b[1]] = results[b[1]] or {}
		table.insert(results[b[1]], b[2](N))
		collectgarbage()
	end
end
for _, b in ipairs(benches) do
	local t = results[b[1]]
	table.sort(t)
	local ns = t[(#t + 1) // 2] / N
	print(string.format("%-18s %10.0f round trips/s %8.0f ns/round trip  (median of %d x %d, %s)",
		b[1], 1e9 / ns, ns, RUNS, N, b[1] == "lua luv" and ("libuv " .. uv.version_string())
		or ("mio " .. mio.backend())))
end
