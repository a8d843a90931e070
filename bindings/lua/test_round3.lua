-- mio Lua binding: the findings of issue 19 (reliability round 3) that
-- concern Lua, one block each (fNN_*), on every Lua and backend by
-- `make check`.  Each is what a pure-Lua script (no debug library) did to
-- crash, corrupt memory or mislead on libmio 1.1.0.
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

local tests = {}
local function test(name, fn) tests[#tests + 1] = { name, fn } end

test("f02_readv_hostile_len_index", function()
	-- __len said 2 and __index said 1, 1 then 30000: readv(2) wrote
	-- 60,000 bytes into a 2-byte buffer (the table was read twice).
	local tx, rx = mio.pipe()
	assert(tx:write(string.rep("z", 60000)))
	local n = 0
	local t = setmetatable({}, {
		__len = function() return 2 end,
		__index = function() n = n + 1; return n <= 2 and 1 or 30000 end,
	})
	local ok, got, parts = pcall(rx.readv, rx, t)
	-- read raw: the metatable is not consulted, the table is empty
	assert(ok and got == 0 and #parts == 0, tostring(got))
	assert(n == 0, "__index ran " .. n .. " times")
	-- a real table with the same sizes reads 2 bytes
	got, parts = rx:readv({ 1, 1 })
	assert(got == 2 and parts[1] == "z" and parts[2] == "z")
	tx:close(); rx:close()
end)

test("f03_writev_strings_kept_alive", function()
	-- __index built fresh strings and collected garbage: writev sent
	-- freed bytes ("HHHH" instead of "AAAA").  Raw reads see only the
	-- table's own strings, each anchored on the call's stack; a
	-- finalizer emptying the table during the call changes nothing.
	for _, make in ipairs({
		function() return mio.pipe() end,
		function() return mio.UnixStream.pair() end,
	}) do
		local a, b = make()
		local t = {}
		for i = 1, 64 do t[i] = string.rep(string.char(64 + i % 26), 100) .. i end
		local want = table.concat(t)
		-- finalizers that run at the allocations of the call
		local armed = false
		local keep = {}
		for k = 1, 50 do
			keep[k] = C.finalizer(function()
				if not armed then return end
				for i = 1, #t do t[i] = nil end
				collectgarbage()
			end)
		end
		keep = nil
		C.gc_incremental(1, 100)
		local proxy = setmetatable({}, { __index = function(_, i)
			collectgarbage(); return string.rep("H", 4) end, __len = function() return 64 end })
		armed = true
		local n = assert(a:writev(t))
		armed = false
		assert(n == #want, n)
		local got = assert(b:read(#want + 10))
		assert(got == want, "writev sent other bytes")
		assert(a:writev(proxy) == 0)      -- raw: the proxy is empty
		C.gc_incremental()
		a:close(); b:close()
	end
end)

test("f07_timeouts", function()
	-- set_linger(5e9) or (inf) turned lingering OFF; 2^31 was EINVAL.
	local s = assert(mio.TcpSocket.new_v4())
	for _, v in ipairs({ 5e9, math.huge, 2 ^ 31, 1e300, 0 / 0, -1, -0.5 }) do
		local ok = pcall(s.set_linger, s, v)
		assert(not ok, "set_linger(" .. tostring(v) .. ") accepted")
		assert(s:get_linger() == -1, "linger changed by " .. tostring(v))
	end
	assert(s:set_linger(2 ^ 31 - 1)); assert(s:get_linger() == 2 ^ 31 - 1)
	assert(s:set_linger(nil)); assert(s:get_linger() == -1)
	assert(not pcall(s.set_keepalive_time, s, math.huge))
	s:close()
end)

test("f10_consumed_and_told_apart", function()
	-- connect("garbage") and listen(2^31) left the socket open, and the
	-- failure looked like a consumed one: nil, "Invalid argument", 22.
	for _, case in ipairs({
		{ "connect", "garbage" }, { "connect", "127.0.0.1:80\0x" }, { "connect", {} },
		{ "listen", 2 ^ 31 }, { "listen", "x" }, { "listen", 1.5 },
	}) do
		local s = assert(mio.TcpSocket.new_v4())
		local ok, why = pcall(s[case[1]], s, case[2])
		assert(not ok and type(why) == "string", case[1] .. ": raised no argument error")
		local r, msg, e = s:fileno()
		assert(r == nil and e == mio.EBADF, case[1] .. "(" .. tostring(case[2]) .. ") left the socket open")
	end
	-- a failure of the C library: nil, msg, errno, also consumed
	local s = assert(mio.TcpSocket.new_v4())
	local r, msg, e = s:connect("[::1]:9")   -- an IPv6 address on an IPv4 socket
	assert(r == nil and type(msg) == "string" and C.isint(e), tostring(msg))
	assert(select(3, s:fileno()) == mio.EBADF)
end)

test("f13_poll_huge_timeout", function()
	-- poll(ev, 1e300) waited for ever where Python raised.
	local p, ev = assert(mio.Poll()), assert(mio.Events(2))
	for _, v in ipairs({ 1e300, math.huge, 2147483.648, 0 / 0, -1 }) do
		local ok, why = pcall(p.poll, p, ev, v)
		assert(not ok and tostring(why):find("seconds"), tostring(v) .. ": " .. tostring(why))
	end
	assert(p:poll(ev, 0) == 0)
	p:close()
end)

test("f09_no_disown", function()
	-- SWIG's __disown let a script leak the struct and its fd.
	local tx, rx = mio.pipe()
	for _, o in ipairs({ tx, rx, mio.Poll(), mio.Events(2) }) do
		assert(o.__disown == nil)
	end
end)

test("f05_blocking_pipe", function()
	-- set_nonblocking(false): a read waits (Lua: the whole state), and
	-- true makes it EAGAIN again.
	local tx, rx = mio.pipe()
	assert(rx:set_nonblocking(false))
	assert(tx:write("abc"))
	assert(rx:read(3) == "abc")
	assert(rx:set_nonblocking(true))
	local r, msg, e = rx:read(1)
	assert(r == nil and e == mio.EAGAIN)
	tx:close(); rx:close()
end)

-- Found by test_random.lua's inventory sweep (issue 19, "anything else the
-- drivers found"): SWIG's __eq read the pointer word of any full
-- userdata, so on Lua 5.3 and 5.4, where one operand's __eq is enough,
-- `obj == io.stderr` read past the file's userdata (valgrind, ASan: a
-- heap overflow), and two destroyed objects were equal (NULL == NULL).
test("sweep_eq_foreign_userdata", function()
	local p, q = mio.Poll(), mio.Poll()
	assert(not (p == io.stderr) and not (io.stderr == p) and p ~= q and p == p)
	local tx, rx = mio.pipe()
	tx:close(); rx:close()
	assert(tx ~= rx, "two closed pipe ends are equal")
	local a, b = mio.Events(1), mio.Events(1)
	local gc = debug.getmetatable(a).__gc
	gc(a); gc(b)
	assert(a ~= b, "two destroyed objects are equal")
	p:close(); q:close()
end)

-- Also the sweep's: an argument error's message named the type of a
-- userdata by reading it as SWIG's own (SWIG_Lua_typename): io.stderr's
-- FILE * was read as a type record and its buffer printed as the name;
-- a newproxy() (Lua 5.1, LuaJIT: no bytes at all) crashed Waker().
test("sweep_foreign_userdata_in_errors", function()
	local p = mio.Poll()
	local foreign = { io.stderr }
	if newproxy then foreign[2] = newproxy(true) end
	for _, u in ipairs(foreign) do
		for _, f in ipairs({
			function() return mio.Waker(u, 1) end,
			function() return p:poll(u, 0) end,
			function() return p.registry(u) end,
			function() return mio.Poll.poll end,
		}) do
			local ok, err = pcall(f)
			if not ok then
				assert(type(err) == "string" and err:find("got 'userdata'", 1, true), err)
			end
		end
	end
	-- no field can be set: a clear error, not SWIG's setter search
	local ok, err = pcall(function() p.x = 1 end)
	assert(not ok and err:find("a mio.Poll has no field to assign", 1, true), err)
	p:close()
end)

local failed = 0
for _, t in ipairs(tests) do
	local ok, err = pcall(t[2])
	print((ok and "ok   " or "FAIL ") .. t[1] .. (ok and "" or (": " .. tostring(err))))
	if not ok then failed = failed + 1 end
end
print(string.format("test_round3.lua: %d passed, %d failed (%s)", #tests - failed, failed, C.name))
os.exit(failed == 0 and 0 or 1)
