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
