-- mio Lua binding: numbers and the C API on this interpreter
-- (mio_lua_compat.h).  Lua 5.3 and 5.4: 64-bit integers, tokens over the
-- whole range.  Lua 5.1, 5.2 and LuaJIT: every number is a double, and an
-- integer argument must be exact with |n| <= 2^53 - 1 (the 2^53 rule);
-- nothing is rounded silently, and what comes back is exact.
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")
print("test_compat.lua: " .. C.name .. (C.wideint and ", 64-bit integers"
	or ", numbers are doubles: the 2^53 rule"))

local EBADF, ENOMEM = 9, 12
local p = assert(mio.Poll())
local reg = p:registry()
local ev = assert(mio.Events(8))
local tx, rx = mio.pipe()

-- register under tok, make it ready, return the token the event carries
local function roundtrip(tok)
	assert(reg:register(rx, tok, mio.READABLE))
	assert(tx:write("x") == 1)
	assert(p:poll(ev, 1) == 1)
	local got = ev:get(0):token()
	assert(rx:read(8) == "x")
	assert(reg:deregister(rx))
	return got
end

-- f(...) must raise (an argument error); returns the message
local function argerror(what, f, ...)
	local ok, msg = pcall(f, ...)
	assert(not ok, what .. ": accepted")
	return tostring(msg)
end

-- tokens round-trip exactly, as integers, at the edges of the range
for _, tok in ipairs{ 0, 1, -1, 2 ^ 31, 2 ^ 32 + 1, -(2 ^ 32), 2 ^ 52 + 1,
	C.maxinteger, C.maxinteger - 1, C.mininteger, C.mininteger + 1 } do
	local got = roundtrip(tok)
	assert(got == tok and C.isint(got), string.format("token %.17g came back as %s", tok, tostring(got)))
end
assert(roundtrip(7.0) == 7, "an integral float is that integer")
-- never an integer
for _, bad in ipairs{ 1.5, -0.5, 0 / 0, 1 / 0, -1 / 0, "7", true } do
	argerror("token " .. tostring(bad), reg.register, reg, rx, bad, mio.READABLE)
end

if C.skip_unless_wideint("tokens over the 64-bit range") then
	-- the unsigned range through two's complement: 2^63 + 5 is mininteger + 5
	for _, tok in ipairs{ math.maxinteger, math.mininteger, math.mininteger + 5, C.shl(1, 53) + 1 } do
		local got = roundtrip(tok)
		assert(got == tok and math.type(got) == "integer", tostring(got))
	end
	-- a float is taken when it is an exact integer that fits, else refused
	assert(roundtrip(2 ^ 53) == C.shl(1, 53))
	argerror("token 2^63 (float)", reg.register, reg, rx, 2 ^ 63, mio.READABLE)
else
	-- Beyond 2^53 - 1 a double may be a rounded integer (the script's
	-- 2^53 + 1 arrives as 2^53): refused, 2^53 itself too.
	assert(2 ^ 53 + 1 == 2 ^ 53)
	for _, bad in ipairs{ 2 ^ 53, -(2 ^ 53), 2 ^ 53 + 2, 2 ^ 63, -(2 ^ 63), 2 ^ 64 } do
		argerror(string.format("token %.17g", bad), reg.register, reg, rx, bad, mio.READABLE)
	end
	-- the same rule for every integer parameter
	local udp = assert(mio.UdpSocket.bind("127.0.0.1:0"))
	argerror("ttl 2^53", udp.set_ttl, udp, 2 ^ 53)
	argerror("read(2^60)", rx.read, rx, 2 ^ 60)
	argerror("Events:get(2^53)", ev.get, ev, 2 ^ 53)
	udp:close()
end

-- out of the C type's range: an argument error naming the value (%I of
-- lua_pushfstring, which 5.1 and 5.2 lack)
local udp = assert(mio.UdpSocket.bind("127.0.0.1:0"))
local msg = argerror("ttl 2^32 + 64", udp.set_ttl, udp, 2 ^ 32 + 64)
assert(msg:find("integer 4294967360 out of range", 1, true), msg)
msg = argerror("ttl -1", udp.set_ttl, udp, -1)
assert(msg:find("integer -1 out of range", 1, true), msg)
-- SWIG's own messages (%s, %d) as before
msg = argerror("ttl 'x'", udp.set_ttl, udp, "x")
assert(msg:find("set_ttl", 1, true), msg)
assert(udp:set_ttl(64) and udp:ttl() == 64 and C.isint(udp:ttl()))

-- sizes: the largest integer is a size too big to allocate, not a wrap
local v, _, e = mio.Events(C.maxinteger)
assert(v == nil and e == ENOMEM, "Events(maxinteger): " .. tostring(e))
-- readv sizes: integral floats are integers; its buffers are a userdata
assert(tx:write("abcde") == 5)
local n, parts = rx:readv({ 3.0, 2 })
assert(n == 5 and parts[1] == "abc" and parts[2] == "de")
-- writev: a table's length and strings
assert(tx:writev({ "a", "bc", "" }) == 3 and rx:read(8) == "abc")

-- fileno() results obey the same rule: no fd, EBADF
for _, bad in ipairs{ 2 ^ 53, 1.5, -(2 ^ 31) - 1 } do
	local r, _, err = reg:register({ fileno = function() return bad end }, 1, mio.READABLE)
	assert(r == nil and err == EBADF, "fileno() " .. tostring(bad))
end

-- values back are integers
assert(C.isint(rx:fileno()) and C.isint(p:poll(ev, 0)) and C.isint(mio.READABLE))
p:close(); udp:close(); tx:close(); rx:close()
print("test_compat.lua: ok")
