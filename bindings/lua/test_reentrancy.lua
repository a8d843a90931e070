-- The re-entrancy rule of mio_lua.i (issue 19): every typemap that can
-- run script code, or allocate (and so run a finalizer), gets a hostile
-- value that re-enters: it closes the objects of the call, collects
-- garbage, mutates the table it came in, or answers differently each
-- time.  The call sees a closed object (nil, msg, EBADF), what it read
-- once, or an argument error; never freed memory.
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")
local function ebadf(...)
	local r, msg, e = ...
	assert(r == nil and e == mio.EBADF, "expected EBADF, got " .. tostring(r) .. " " .. tostring(msg))
end

-- int SOURCE: a fileno() method that closes the registry, asked once
local p = assert(mio.Poll())
local reg = p:registry()
local tx, rx = mio.pipe()
local n = 0
local src = setmetatable({}, { __index = { fileno = function()
	n = n + 1; reg:close(); p:close(); collectgarbage(); return rx:fileno() end } })
ebadf(reg:register(src, 1, mio.READABLE))
assert(n == 1, "fileno asked " .. n .. " times")

-- IOV: strings kept alive, table emptied by a finalizer mid-call
local a, b = mio.UnixStream.pair()
local t = { "ab", "cd", "ef" }
local armed = false
local keep = {}
for k = 1, 20 do keep[k] = C.finalizer(function() if armed then t[1], t[2], t[3] = nil, nil, nil end end) end
keep = nil
C.gc_incremental(1, 100)
armed = true
assert(a:writev(t) == 6)
armed = false
C.gc_incremental()
assert(b:read(10) == "abcdef")
-- proxies are read raw (empty), non-strings are an argument error
assert(a:writev(setmetatable({}, { __index = function() return "zz" end, __len = function() return 3 end })) == 0)
assert(not pcall(a.writev, a, { "x", 5 }))

-- WIOV: sizes read once, raw
assert(a:write("123456"))
local count, parts = b:readv(setmetatable({ 2, 4 }, { __index = function() error("consulted") end }))
assert(count == 6 and parts[1] == "12" and parts[2] == "3456")
assert(not pcall(b.readv, b, { 1, "x" }))

-- TIMEOUT/DURATION: numbers only, read once
local ev = assert(mio.Events(2))
local p2 = assert(mio.Poll())
assert(not pcall(p2.poll, p2, ev, setmetatable({}, { __tonumber = function() return 0 end })))
assert(not pcall(p2.poll, p2, ev, "0"))   -- a string is not a time
assert(p2:poll(ev, 0) == 0)

-- self closed by a finalizer run during another argument's conversion
local p3 = assert(mio.Poll())
local s3 = assert(mio.TcpSocket.new_v4())
for k = 1, 20 do local _ = C.finalizer(function() s3:close() end) end
C.gc_incremental(1, 100)
local r, msg, e = s3:bind(string.rep("1", 0) .. "127.0.0.1:0")
C.gc_incremental()
assert(r == true or e == mio.EBADF, tostring(msg))
p3:close()

-- ADDR/const char */UNADDR: a NUL is an argument error, read once
assert(not pcall(mio.UdpSocket.bind, "127.0.0.1:0\0x"))
assert(not pcall(mio.UnixStream.connect, "/tmp/x\0y"))
print("test_reentrancy.lua: ok (" .. C.name .. ")")
