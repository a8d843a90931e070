-- mio Lua binding: 100,000 create/use/collect cycles leave the process's
-- memory (RSS and the Lua heap) and its fd count flat.
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

-- MIO_LEAK_CYCLES scales the run down (valgrind finds a leak in a few
-- hundred cycles; the RSS check needs the full count).
local CYCLES = C.tointeger(tonumber(os.getenv("MIO_LEAK_CYCLES") or "100000"))
local WARMUP = C.idiv(CYCLES, 10)


local function statm_rss()
	local f = assert(io.open("/proc/self/statm"))
	local line = f:read("*l")
	f:close()
	local _, resident = line:match("(%d+)%s+(%d+)")
	return tonumber(resident) * 4  -- 4 KiB pages on the CI machines
end

local function fd_count()
	-- In-process, as Python's listdir("/proc/self/fd"): every open fd has
	-- /proc/self/fdinfo/N.  (An ls through io.popen counted popen's own
	-- pipe when it read the directory before the parent closed the
	-- child's end: "fds 7 -> 6" under load.)  The fd that opening one
	-- takes is reserved before the path is looked up and installed after,
	-- so it never finds itself.  Scanned up to the fd table's size.
	local f = assert(io.open("/proc/self/status"))
	local size = assert(tonumber(f:read("*a"):match("FDSize:%s*(%d+)")))
	f:close()
	local n = 0
	for fd = 0, size - 1 do
		local h = io.open("/proc/self/fdinfo/" .. fd)
		if h then
			n = n + 1
			h:close()
		end
	end
	return n
end

local function cycle(i)
	local p = assert(mio.Poll())
	local reg = p:registry()
	local ev = mio.Events(8)
	local w = assert(mio.Waker(reg, i))
	local tx, rx = mio.pipe()
	assert(reg:register(rx, i, mio.READABLE))
	tx:write("x")
	w:wake()
	p:poll(ev, 0)
	local found = false
	for e in ev:iter() do
		if e:token() == i then found = true end
	end
	assert(found)
	rx:read(4)
	assert(rx:read(4) == nil)   -- would block: the error path
	local a, b = mio.UnixStream.pair()
	a:write("y")
	b:read(2)
	if i % 2 == 1 then
		p = nil                 -- collected before or after its Registry
		reg:deregister(rx)
	else
		p:close()
	end
	local clone = reg:try_clone()
	assert(not pcall(mio.TcpListener.bind, "256.0.0.1:0"))
	return clone
end

-- The collector does not see fds, only small userdata: collect often
-- enough that the unreferenced objects' fds stay under the fd limit.
for i = 1, WARMUP do
	cycle(i)
	if i % 50 == 0 then collectgarbage() end
end
collectgarbage(); collectgarbage()
local rss0, heap0, fds0 = statm_rss(), collectgarbage("count"), fd_count()
for i = 1, CYCLES do
	cycle(i)
	if i % 50 == 0 then collectgarbage() end
end
collectgarbage(); collectgarbage()
local rss1, heap1, fds1 = statm_rss(), collectgarbage("count"), fd_count()
print(string.format("rss %d KiB -> %d KiB, lua heap %.0f KiB -> %.0f KiB, fds %d -> %d over %d cycles",
	rss0, rss1, heap0, heap1, fds0, fds1, CYCLES))
assert(fds1 == fds0, "fd leak")
assert(heap1 - heap0 < 512, "Lua heap grew")
-- one small leaked block per cycle would be > 3 MiB
assert(CYCLES < 100000 or rss1 - rss0 < 2048, "RSS grew")
print("test_leak.lua: ok")
