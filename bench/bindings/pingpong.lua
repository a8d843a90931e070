-- W1 ping-pong over a Unix socketpair, one thread, both ends in one loop,
-- written the way each library's documentation tells a user to write it.
-- A round trip: A writes 64 bytes, the loop wakes, B reads them and
-- writes them back, the loop wakes, A reads them.
--
--     lua5.4 pingpong.lua SYSTEM ROUND_TRIPS   run one system, print elapsed ns
--
-- SYSTEM: "token" (the documented idiom of libmio 1.2: UnixStream pair,
-- poll:poll(events), events:len(), events:token(i), stream:read(n),
-- stream:write(s)), "mio" (the 1.0/1.1 loop: the same with
-- events:get(i):token(), an Event userdata per event) or "luv"
-- (uv.new_poll on the socketpair's fds + uv.fs_read/uv.fs_write, the
-- readiness-style luv loop closest to mio's).
local system, N = arg[1], tonumber(arg[2])
local MSG = string.rep("x", 64)

local clock
do
	local ok, uv = pcall(require, "luv")
	if ok then clock = uv.hrtime else clock = function() return os.clock() * 1e9 end end
end

local function bench_mio(n)
	local mio = require "mio"
	local poll = assert(mio.Poll())
	local reg = poll:registry()
	local events = assert(mio.Events(16))
	local a, b = mio.UnixStream.pair()
	assert(reg:register(a, 0, mio.READABLE))
	assert(reg:register(b, 1, mio.READABLE))
	local done = 0
	local t0 = clock()
	a:write(MSG)
	while done < n do
		poll:poll(events)
		for i = 0, events:len() - 1 do
			if events:get(i):token() == 1 then
				-- one 64-byte message is all there is; on epoll a new
				-- message is a new edge (run.sh measures epoll builds only)
				b:write(b:read(4096))
			else
				a:read(4096)
				done = done + 1
				if done < n then a:write(MSG) end
			end
		end
	end
	local elapsed = clock() - t0
	a:close(); b:close(); poll:close()
	return elapsed
end

local function bench_token(n)
	local mio = require "mio"
	local poll = assert(mio.Poll())
	local reg = poll:registry()
	local events = assert(mio.Events(16))
	local a, b = mio.UnixStream.pair()
	assert(reg:register(a, 0, mio.READABLE))
	assert(reg:register(b, 1, mio.READABLE))
	local done = 0
	local t0 = clock()
	a:write(MSG)
	while done < n do
		for i = 0, poll:poll(events) - 1 do
			if events:token(i) == 1 then
				b:write(b:read(4096))  -- as in bench_mio
			else
				a:read(4096)
				done = done + 1
				if done < n then a:write(MSG) end
			end
		end
	end
	local elapsed = clock() - t0
	a:close(); b:close(); poll:close()
	return elapsed
end

local function bench_luv(n)
	local uv = require "luv"
	local fds = assert(uv.socketpair(nil, nil, { nonblock = true }, { nonblock = true }))
	local fa, fb = fds[1], fds[2]
	local pa, pb = uv.new_poll(fa), uv.new_poll(fb)
	local done = 0
	pb:start("r", function(err)
		assert(not err, err)
		local data = uv.fs_read(fb, 4096)
		if data and #data > 0 then uv.fs_write(fb, data) end
	end)
	pa:start("r", function(err)
		assert(not err, err)
		local data = uv.fs_read(fa, 4096)
		if data and #data > 0 then
			done = done + 1
			if done < n then uv.fs_write(fa, MSG) else pa:stop(); pb:stop() end
		end
	end)
	local t0 = clock()
	uv.fs_write(fa, MSG)
	uv.run()
	local elapsed = clock() - t0
	pa:close(); pb:close()
	uv.run()
	uv.fs_close(fa); uv.fs_close(fb)
	assert(done == n)
	return elapsed
end

local systems = { token = bench_token, mio = bench_mio, luv = bench_luv }
print(string.format("%d", assert(systems[system], "unknown system")(N)))
