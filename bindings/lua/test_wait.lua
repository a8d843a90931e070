-- events:token(i), events:readiness(i) and LEVEL (libmio 1.2, issue 22),
-- on every Lua the module is built for (test-driver.sh runs it under each):
--   - both read event i of the last poll, 0-based as events:get(i), and
--     answer exactly what events:get(i):token() / :readiness() answer, on
--     random event sets (seeded: MIO_WAIT_SEED=N replays; printed);
--   - bounds: 0 .. len-1 give the event, len, len + 1 and beyond give nil
--     (as get); a negative, fractional, NaN, huge or non-number index and
--     a missing one are argument errors; a collected Events is EBADF;
--   - they allocate nothing: collectgarbage("count") does not move over
--     100,000 calls, on 5.1 to 5.4 and LuaJIT alike;
--   - LEVEL: a registration reported at every poll while it is ready.
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

local seed = tonumber(os.getenv("MIO_WAIT_SEED") or "") or (os.time() % 1000000007)
print(string.format("test_wait.lua (%s, %s): MIO_WAIT_SEED=%d", C.name, mio.backend(), seed))
math.randomseed(seed)

local function errs(f, ...)
	local ok, e = pcall(f, ...)
	assert(not ok, "expected an argument error")
	return e
end

-- ---- LEVEL ----------------------------------------------------------------
assert(mio.LEVEL == 32 and C.isint(mio.LEVEL))
do
	local p = assert(mio.Poll())
	local ev = mio.Events(8)
	local a, b = mio.UnixStream.pair()
	local reg = p:registry()
	local r, _, e = reg:register(a, 1, mio.LEVEL)
	assert(r == nil and e == mio.EINVAL, "LEVEL alone is EINVAL")
	assert(reg:register(a, 7, mio.READABLE + mio.LEVEL))
	assert(p:poll(ev, 0) == 0)
	assert(b:write("abc") == 3)
	for _ = 1, 3 do   -- reported at every poll while unread
		assert(p:poll(ev, 0) == 1 and ev:token(0) == 7 and ev:readiness(0) == mio.EVENT_READABLE)
	end
	assert(a:read(10) == "abc")
	assert(p:poll(ev, 0) == 0)
	-- edge-triggered again: once
	assert(b:write("x") == 1)
	assert(reg:reregister(a, 8, mio.READABLE))
	assert(p:poll(ev, 0) == 1 and ev:token(0) == 8)
	assert(p:poll(ev, 0) == 0)
	-- writable, level: every poll
	assert(reg:reregister(a, 9, mio.WRITABLE + mio.LEVEL))
	for _ = 1, 3 do
		assert(p:poll(ev, 0) == 1 and ev:token(0) == 9 and ev:readiness(0) == mio.EVENT_WRITABLE)
	end
	a:close(); b:close(); p:close()
end

-- ---- bounds ---------------------------------------------------------------
do
	local p = assert(mio.Poll())
	local ev = mio.Events(4)
	local w = assert(mio.Waker(p:registry(), 42))
	for _, f in ipairs({ "token", "readiness" }) do
		assert(ev[f](ev, 0) == nil, "empty: nil")
	end
	assert(w:wake())
	assert(p:poll(ev, 1) == 1)
	assert(ev:token(0) == 42 and ev:readiness(0) == mio.EVENT_READABLE)
	assert(C.isint(ev:token(0)) and C.isint(ev:readiness(0)))
	for _, f in ipairs({ "token", "readiness" }) do
		local m = ev[f]
		-- len, len + 1, the capacity and beyond: nil, as get
		for _, i in ipairs({ 1, 2, 3, 4, 1000, C.maxinteger }) do
			assert(m(ev, i) == nil and ev:get(i) == nil, f .. "(" .. tostring(i) .. ")")
		end
		assert(m(ev, 0.0) == m(ev, 0), "0.0 is 0")
		for _, bad in ipairs({ -1, -0.5, 0.5, 1.5, 0 / 0, math.huge, -math.huge, C.mininteger, "0", true, {}, ev }) do
			errs(m, ev, bad)
		end
		errs(m, ev)            -- no index
		errs(m, ev, nil)
		errs(m, ev, 0, 1)      -- one too many
		errs(m, nil, 0)        -- no self
		errs(m, io.stdout, 0)  -- a foreign userdata
		errs(m, p, 0)          -- another class
	end
	-- a destroyed Events (its finalizer run by hand): nil, msg, EBADF
	local gone = mio.Events(2)
	debug.getmetatable(gone).__gc(gone)
	for _, f in ipairs({ "token", "readiness" }) do
		local r, _, e = gone[f](gone, 0)
		assert(r == nil and e == mio.EBADF, f .. " on a destroyed Events: EBADF")
	end
	w:close(); p:close()
end

-- ---- against events:get on random event sets ------------------------------
local function trial(k)
	local n = math.random(1, 16)
	local p = assert(mio.Poll())
	local reg = p:registry()
	local ev = mio.Events(math.random(1, 20))
	local pairs_, tokens, used = {}, {}, {}
	for i = 1, n do
		local a, b = mio.UnixStream.pair()
		pairs_[i] = { a, b }
		local state = math.random(1, 4)
		if state == 2 then assert(b:write(string.rep("y", math.random(1, 100))))
		elseif state == 3 then assert(b:shutdown(mio.SHUT_WR))
		elseif state == 4 then b:close() end
		local tok
		repeat tok = math.random(0, 2 ^ 30) until not used[tok]
		used[tok] = true
		tokens[i] = tok
		local interest = ({ mio.READABLE, mio.WRITABLE, mio.READABLE + mio.WRITABLE })[math.random(1, 3)]
		if math.random() < 0.3 then interest = interest + mio.LEVEL end
		assert(reg:register(a, tok, interest))
	end
	local seen = 0
	repeat
		local got = assert(p:poll(ev, 0))
		assert(got == ev:len() and got <= ev:capacity())
		for i = 0, got - 1 do
			local e = ev:get(i)
			assert(ev:token(i) == e:token() and ev:readiness(i) == e:readiness(),
				string.format("set %d, event %d (seed %d)", k, i, seed))
		end
		assert(ev:token(got) == nil and ev:readiness(got) == nil)
		seen = seen + 1
	until got < ev:capacity() or seen > 3
	for i = 1, n do pairs_[i][1]:close(); pairs_[i][2]:close() end
	p:close()
end
for k = 1, 60 do trial(k) end

-- ---- nothing allocated ------------------------------------------------------
do
	local p = assert(mio.Poll())
	local ev = mio.Events(4)
	local w = assert(mio.Waker(p:registry(), 3))
	assert(w:wake())
	assert(p:poll(ev, 1) == 1)
	local token, readiness = ev.token, ev.readiness
	local function run(n)
		local s = 0
		for _ = 1, n do
			s = s + token(ev, 0) + readiness(ev, 0) + (ev:token(1) or 0) + (ev:readiness(5) or 0)
		end
		return s
	end
	-- The first run warms up (LuaJIT compiles the loop, and its traces
	-- are memory the collector counts; 5.2 and 5.3 grow the stack again
	-- that a collection shrank); the second must allocate nothing.
	collectgarbage()
	collectgarbage()
	collectgarbage("stop")
	assert(run(100000) == 400000)
	local before = collectgarbage("count")
	local s = run(100000)
	local grown = collectgarbage("count") - before
	collectgarbage("restart")
	assert(s == 400000)
	assert(grown == 0, string.format("%s: %.3f KiB allocated by 400,000 calls", C.name, grown))
	-- the same loop with get(i) does allocate (the test can fail)
	collectgarbage()
	collectgarbage("stop")
	before = collectgarbage("count")
	for _ = 1, 1000 do s = s + ev:get(0):token() end
	local get_grown = collectgarbage("count") - before
	collectgarbage("restart")
	assert(get_grown > 0, "events:get(i) allocates an Event")
	w:close(); p:close()
end

print("test_wait.lua: ok")
