-- mio Lua binding: the findings of issue 12, one block each (fNN_*),
-- run on every backend by `make check`.  Each block is what a pure-Lua
-- script (no debug library unless said) could do to crash the
-- interpreter, make libmio use the wrong descriptor or lose data.
local mio = require "mio"

local EBADF, EINVAL, ENOMEM = 9, 22, 12

local tests = {}
local function test(name, fn) tests[#tests + 1] = { name, fn } end

test("f01_no_default_constructors", function()
	-- SWIG's default constructor made a Registry with no handle.
	for _, name in ipairs{ "Registry", "Event", "TcpListener", "TcpStream", "UdpSocket",
		"UnixListener", "UnixStream", "UnixDatagram", "Sender", "Receiver" } do
		local ok, obj = pcall(mio[name])
		assert(not ok or obj == nil, name .. "() made an object")
	end
end)

local tmpdir = os.getenv("TMPDIR") or "/tmp"
local function tmpname(tag)
	return string.format("%s/mio-rel-%s-%d-%d", tmpdir, tag, os.time(), math.random(1 << 30))
end

-- A live object of every class and a method to call on it.
local function one_of_each()
	local p = assert(mio.Poll())
	local reg = p:registry()
	local ev = assert(mio.Events(4))
	local w = assert(mio.Waker(reg, 1))
	assert(w:wake())
	assert(p:poll(ev, 1) == 1)
	local e = ev:get(0)
	local lst = assert(mio.TcpListener.bind("127.0.0.1:0"))
	local tcp = assert(mio.TcpStream.connect(lst:local_addr()))
	local udp = assert(mio.UdpSocket.bind("127.0.0.1:0"))
	local path = tmpname("l")
	local ul = assert(mio.UnixListener.bind(path))
	os.remove(path)
	local us, us2 = mio.UnixStream.pair()
	local ud, ud2 = mio.UnixDatagram.pair()
	local tx, rx = mio.pipe()
	return {
		{ p, function(o) return o:poll(ev, 0) end },
		{ reg, function(o) return o:register(rx, 1, mio.READABLE) end },
		{ ev, function(o) return o:len() end },
		{ e, function(o) return o:token() end },
		{ w, function(o) return o:wake() end },
		{ lst, function(o) return o:accept() end },
		{ tcp, function(o) return o:read(1) end },
		{ udp, function(o) return o:recv_from(1) end },
		{ ul, function(o) return o:accept() end },
		{ us, function(o) return o:write("x") end },
		{ ud, function(o) return o:send("x") end },
		{ tx, function(o) return o:write("x") end },
		{ rx, function(o) return o:read(1) end },
		{ us2, function(o) return o:fileno() end },
		{ ud2, function(o) return o:fileno() end },
	}
end

test("f02_metatables_protected", function()
	-- getmetatable(obj).__gc(obj) freed the object and left it usable.
	for _, pair in ipairs(one_of_each()) do
		local mt = getmetatable(pair[1])
		assert(mt == false, "metatable reachable: " .. tostring(mt))
		assert(not pcall(function() return getmetatable(pair[1]).__gc end))
	end
	for _, name in ipairs{ "Poll", "Registry", "Events", "Event", "Waker", "TcpStream",
		"UnixDatagram", "Sender", "Receiver" } do
		assert(getmetatable(mio[name]) == false, name .. " class metatable reachable")
	end
	assert(getmetatable(mio) == false, "module metatable reachable")
end)

test("f02_gc_then_use", function()
	-- Even with the debug library, a finalizer run by hand is run once
	-- and the object then answers EBADF.
	for _, pair in ipairs(one_of_each()) do
		local obj, use = pair[1], pair[2]
		local gc = debug.getmetatable(obj).__gc
		gc(obj)
		gc(obj)
		local v, msg, e = use(obj)
		assert(v == nil and type(msg) == "string" and e == EBADF,
			"after __gc: " .. tostring(v) .. " " .. tostring(msg) .. " " .. tostring(e))
		gc("not a userdata")
		gc(io.stdout)  -- not ours: ignored
	end
	collectgarbage()
	collectgarbage()
end)

test("f02_gc_events_during_iteration", function()
	local p = assert(mio.Poll())
	local ev = assert(mio.Events(4))
	local w = assert(mio.Waker(p:registry(), 5))
	assert(w:wake())
	assert(p:poll(ev, 1) == 1)
	local n = 0
	for e in ev:iter() do
		n = n + 1
		debug.getmetatable(ev).__gc(ev)
	end
	assert(n == 1)
	assert(select(3, ev:len()) == EBADF)
	assert(select(3, p:poll(ev, 0)) == EBADF)
end)

local only = arg and arg[1]
local failed = 0
for _, t in ipairs(tests) do
	if not only or only == t[1] then
		local ok, err = pcall(t[2])
		collectgarbage()
		print((ok and "ok   " or "FAIL ") .. t[1] .. (ok and "" or (": " .. tostring(err))))
		if not ok then failed = failed + 1 end
	end
end
os.exit(failed == 0 and 0 or 1)
