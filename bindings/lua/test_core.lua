-- mio Lua binding: Poll, Registry, Events, Event, Waker, pipes, tokens,
-- errors (nil, message, errno) and argument checks.
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

local function wait_for(p, ev, pred)
	for _ = 1, 20 do
		assert(p:poll(ev, 0.25))
		for e in ev:iter() do
			if pred(e) then return e end
		end
	end
	error("no matching event")
end

-- module names and integer constants
for _, name in ipairs{ "Poll", "Registry", "Events", "Event", "Waker", "TcpListener",
	"TcpStream", "UdpSocket", "UnixListener", "UnixStream", "UnixDatagram", "pipe",
	"READABLE", "WRITABLE", "PRIORITY", "AIO", "LIO" } do
	assert(mio[name] ~= nil, name)
end
assert(mio.READABLE == 1 and C.isint(mio.READABLE))
assert(mio.WRITABLE == 2 and mio.PRIORITY == 0x10)
assert(type(mio.version()) == "string")

local p = assert(mio.Poll())
local reg = p:registry()
local ev = assert(mio.Events(16))
assert(ev:capacity() == 16 and ev:len() == 0 and ev:is_empty())
assert(p:poll(ev, 0) == 0)
assert(C.isint(p:poll(ev, 0.01)))
assert(ev:get(0) == nil)

-- pipe, readiness, read/write, would-block, EOF
local tx, rx = mio.pipe()
assert(reg:register(rx, 42, mio.READABLE) == true)
assert(tx:write("ping") == 4)
local e = wait_for(p, ev, function(x) return x:token() == 42 end)
assert(e:is_readable() and not e:is_writable())
assert(C.isint(e:token()))
assert(rx:read(16) == "ping")
local v, msg, errno = rx:read(16)
assert(v == nil and type(msg) == "string" and errno == 11, "would block: " .. tostring(msg))
assert(tx:writev({ "a", "bc" }) == 3)
assert(rx:read(16) == "abc")
assert(tx:writev({ "abcd", "efgh" }) == 8)
local n, parts = rx:readv({ 3, 2, 10 })
assert(n == 8 and #parts == 3 and parts[1] == "abc" and parts[2] == "de" and parts[3] == "fgh")
assert(select(3, rx:readv({ 4 })) == 11)
assert(not pcall(rx.readv, rx, { "x" }))
assert(tx:close())
assert(rx:read(16) == "")
assert(reg:deregister(rx))

-- tokens stay integers and round-trip exactly: pointer-sized values with
-- 64-bit integers, |token| <= 2^53 - 1 where numbers are doubles (and the
-- rest is an argument error there: test_compat.lua)
local tx2, rx2 = mio.pipe()
local tokens = { 0, 7, -1, C.maxinteger, C.mininteger, 2 ^ 40 + 3 }
if C.skip_unless_wideint("tokens 2^53 + 1 and 2^63 + 5") then
	tokens[#tokens + 1] = C.shl(1, 53) + 1
	tokens[#tokens + 1] = C.mininteger + 5
end
for _, tok in ipairs(tokens) do
	assert(reg:register(rx2, tok, mio.READABLE))
	tx2:write("x")
	local got = wait_for(p, ev, function() return true end)
	assert(got:token() == tok and C.isint(got:token()), tostring(got:token()))
	rx2:read(8)
	assert(reg:deregister(rx2))
end
assert(reg:register(rx2, 7.0, mio.READABLE))  -- an integral float is that integer
assert(reg:deregister(rx2))
assert(not pcall(reg.register, reg, rx2, 7.5, mio.READABLE))
assert(not pcall(reg.register, reg, rx2, "7", mio.READABLE))

-- register an int fd or any object with fileno()
local a, b = mio.UnixStream.pair()
assert(reg:register(a:fileno(), 1, mio.READABLE))
assert(reg:reregister(a, 2, mio.READABLE + mio.WRITABLE))
assert(reg:deregister(a))
local wrapper = { fileno = function() return b:fileno() end }
assert(reg:register(wrapper, 3, mio.WRITABLE))
assert(reg:deregister(b))

-- errors: nil, message, errno; wrong types: a Lua error
local r1, m1, e1 = reg:register(rx2, 1, 0)
assert(r1 == nil and e1 == 22 and m1 == "Invalid argument")
local r2, _, e2 = reg:register(9999, 1, mio.READABLE)
assert(r2 == nil and e2 == 9)
local r3, _, e3 = mio.UnixStream.connect("/nonexistent/mio-lua-test")
assert(r3 == nil and e3 == 2)
assert(not pcall(reg.register, reg, "x", 1, 1))
assert(not pcall(reg.register, reg, {}, 1, 1))
assert(not pcall(p.poll, p, nil, 0))
assert(not pcall(p.poll, p, ev, "1"))
assert(not pcall(p.poll, p, ev, -1))
assert(not pcall(mio.Waker, nil, 1))
assert(not pcall(rx2.read, nil, 1))
assert(not pcall(tx2.write, tx2, 5))
rx2:close()
local r4, _, e4 = rx2:read(1)
assert(r4 == nil and e4 == 9)
assert(rx2:close())

-- waker
local w = assert(mio.Waker(reg, 77))
assert(w:wake())
e = wait_for(p, ev, function(x) return x:token() == 77 end)
assert(e:is_readable())

-- a Registry keeps its Poll's selector alive; Events iterators keep Events
local p2 = mio.Poll()
local reg2 = p2:registry()
local clone = reg2:try_clone()
local ev2 = mio.Events(4)
local tx3, rx3 = mio.pipe()
p2 = nil
collectgarbage(); collectgarbage()
assert(reg2:register(rx3, 5, mio.READABLE))
assert(clone:reregister(rx3, 6, mio.READABLE))
assert(p:poll(ev2, 0))
local it = ev2:iter()
ev2 = nil
collectgarbage(); collectgarbage()
assert(it() == nil)

-- from_fd / into_fd
local fd = tx3:into_fd()
assert(C.isint(fd))
assert(tx3:write("x") == nil)
local tx4 = assert(mio.Sender.from_fd(fd))
assert(tx4:fileno() == fd)
assert(mio.Receiver.from_fd(-1) == nil)

assert(p:close())
assert(p:poll(ev, 0) == nil)
print("test_core.lua: ok")
