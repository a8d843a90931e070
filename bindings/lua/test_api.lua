-- The Lua module's surface beyond the core tests: TcpSocket and
-- Event:readiness() (libmio 1.1), #events, and that a foreign userdata
-- (io.stdout) passed where a mio object is expected is a type error, not
-- a crash (SWIG read a FILE * as its own type record).
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

local function eq(a, b, what) assert(a == b, what .. ": " .. tostring(a) .. " ~= " .. tostring(b)) end

-- TcpSocket options
local s = assert(mio.TcpSocket.new_v4())
for _, name in ipairs{ "reuseaddr", "reuseport", "keepalive", "nodelay" } do
	assert(s["set_" .. name](s, true))
	eq(s["get_" .. name](s), true, name)
	assert(s["set_" .. name](s, false))
	eq(s["get_" .. name](s), false, name)
end
assert(s:set_keepalive_time(30)); eq(s:get_keepalive_time(), 30.0, "keepalive_time")
assert(s:set_keepalive_interval(5)); eq(s:get_keepalive_interval(), 5.0, "keepalive_interval")
assert(s:set_keepalive_retries(4)); eq(s:get_keepalive_retries(), 4, "keepalive_retries")
eq(s:get_linger(), -1.0, "linger off")
assert(s:set_linger(2)); eq(s:get_linger(), 2.0, "linger")
assert(s:set_linger(nil)); eq(s:get_linger(), -1.0, "linger off again")
-- out of range is an argument error, as for every integer parameter
local ok, why = pcall(s.set_keepalive_retries, s, 2^32 + 4)
assert(not ok and tostring(why):find("range"), "range-checked: " .. tostring(why))
eq(s:get_keepalive_retries(), 4, "unchanged")

-- bind, listen (consumes), connect (consumes), readiness
assert(s:set_reuseaddr(true))
assert(s:bind("127.0.0.1:0"))
local addr = assert(s:local_addr())
local l = assert(s:listen(16))
local r, m, e = s:fileno()
assert(r == nil and e == 9, "listen consumed the socket: " .. tostring(m))
local c = assert(mio.TcpSocket.new_v4())
local st = assert(c:connect(addr))
assert(select(3, c:fileno()) == 9, "connect consumed the socket")
local p = assert(mio.Poll())
local ev = assert(mio.Events(8))
assert(p:registry():register(st, 7, mio.WRITABLE))
assert(p:poll(ev, 5) >= 1)
eq(#ev, ev:len(), "#events")
local x = ev:get(0)
eq(x:token(), 7, "token")
assert(C.band(x:readiness(), mio.EVENT_WRITABLE) ~= 0 and x:is_writable())
eq(st:take_error(), 0, "connected")
local peer = assert(l:accept())
peer:close(); st:close(); l:close()

-- a foreign userdata is a type error
for _, call in ipairs{
	function() return p.registry(io.stdout) end,
	function() return p:poll(io.stdout) end,
	function() return mio.Waker(io.stdout, 1) end,
	function() return st.write(io.stdout, "x") end,
} do
	local okc, why = pcall(call)
	assert(not okc and tostring(why):find("expected"), tostring(why))
end
p:close()
print("test_api.lua: ok")
