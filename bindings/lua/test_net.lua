-- mio Lua binding: TCP, UDP and Unix sockets over loopback / a temp dir.
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

local p = assert(mio.Poll())
local reg = p:registry()
local ev = mio.Events(64)

local function wait_for(token, what)
	what = what or "is_readable"
	for _ = 1, 20 do
		assert(p:poll(ev, 0.25))
		for e in ev:iter() do
			if e:token() == token and e[what](e) then return e end
		end
	end
	error("token " .. token .. " never became " .. what)
end

local function read_exactly(s, token, n)
	local parts, got = {}, 0
	while got < n do
		local data, _, errno = s:read(n - got)
		if data == nil then
			assert(errno == 11, errno)
			wait_for(token)
		elseif data == "" then
			break
		else
			parts[#parts + 1] = data
			got = got + #data
		end
	end
	return table.concat(parts)
end

-- TCP: connect, accept, echo a payload bigger than the socket buffers
local l = assert(mio.TcpListener.bind("127.0.0.1:0"))
local laddr = l:local_addr()
assert(laddr:match("^127%.0%.0%.1:%d+$"), laddr)
assert(reg:register(l, 1, mio.READABLE))
local c = assert(mio.TcpStream.connect(laddr))
assert(reg:register(c, 2, mio.READABLE + mio.WRITABLE))
local s, peer
while true do
	s, peer = l:accept()
	if s then break end
	wait_for(1)
end
assert(peer == c:local_addr(), peer)
assert(c:peer_addr() == laddr)
assert(reg:register(s, 3, mio.READABLE + mio.WRITABLE))
wait_for(2, "is_writable")
assert(c:take_error() == 0)
assert(select(3, s:read(10)) == 11)     -- would block
assert(select(3, l:accept()) == 11)

local chunk = string.rep("0123456789abcdef", 4096)
local payload = string.rep(chunk, 20)   -- 1.25 MiB: partial writes
local off, echoed, pending = 1, {}, ""
local received = 0
for _ = 1, 100000 do
	if received >= #payload then break end
	local progressed = false
	if off <= #payload then
		local n = c:write(payload:sub(off, off + 262143))
		if n then off = off + n; progressed = true end
	end
	local data = s:read(65536)
	if data then pending = pending .. data; progressed = true end
	if #pending > 0 then
		local n = s:write(pending)
		if n then pending = pending:sub(n + 1); progressed = true end
	end
	local back = c:read(65536)
	if back then
		echoed[#echoed + 1] = back
		received = received + #back
		progressed = true
	end
	if not progressed then assert(p:poll(ev, 0.5)) end
end
assert(table.concat(echoed) == payload, "echo mismatch")

assert(c:writev({ "ab", "cd" }) == 4)
wait_for(3)
assert(s:peek(2) == "ab")
assert(read_exactly(s, 3, 4) == "abcd")
-- Drain to EAGAIN before waiting for the shutdown: only then is another
-- event promised (the poll(2) backend re-arms s on this EAGAIN alone).
assert(select(3, s:read(10)) == 11)
assert(c:set_nodelay(true) and c:nodelay() == true)
assert(c:set_ttl(42) and c:ttl() == 42)
assert(C.isint(c:ttl()))
assert(c:shutdown(mio.SHUT_WR))
wait_for(3)
assert(s:read(10) == "")
-- an address the binding cannot parse is an argument error (issue 19)
assert(not pcall(mio.TcpListener.bind, "300.0.0.1:0"))
assert(not pcall(mio.TcpListener.bind, "nonsense"))
assert(not pcall(mio.TcpStream.connect, {}))

-- IPv6 loopback, if the host has it
local l6 = mio.TcpListener.bind("[::1]:0")
if l6 then
	assert(l6:local_addr():match("^%[::1%]:%d+$"), l6:local_addr())
end

-- UDP
local u1 = assert(mio.UdpSocket.bind("127.0.0.1:0"))
local u2 = assert(mio.UdpSocket.bind("127.0.0.1:0"))
assert(reg:register(u2, 7, mio.READABLE))
assert(select(3, u2:recv_from(100)) == 11)
assert(u1:send_to("datagram", u2:local_addr()) == 8)
wait_for(7)
local d, from = u2:peek_from(100)
assert(d == "datagram" and from == u1:local_addr())
d, from = u2:recv_from(100)
assert(d == "datagram" and from == u1:local_addr())
assert(select(3, u2:recv_from(100)) == 11)  -- drained: re-arms u2
assert(u1:connect(u2:local_addr()))
assert(u1:peer_addr() == u2:local_addr())
assert(u1:send("two") == 3)
wait_for(7)
assert(u2:recv(100) == "two")
assert(u1:set_broadcast(true) and u1:broadcast() == true)
assert(u1:set_multicast_ttl_v4(3) and u1:multicast_ttl_v4() == 3)
assert(u1:take_error() == 0)
assert(select(3, u1:join_multicast_v4("not-a-group")) == 22)

-- Unix sockets in a fresh directory
local dir = io.popen("mktemp -d /tmp/mio-lua-XXXXXX"):read("*l")
local path = dir .. "/sock"
local ul = assert(mio.UnixListener.bind(path))
assert(ul:local_addr() == path)
assert(reg:register(ul, 10, mio.READABLE))
local uc = assert(mio.UnixStream.connect(path))
wait_for(10)
local us, upeer = ul:accept()
assert(us and upeer == "")
assert(uc:peer_addr() == path)
assert(reg:register(us, 11, mio.READABLE))
assert(uc:write("over unix") == 9)
assert(read_exactly(us, 11, 9) == "over unix")
assert(select(3, mio.UnixListener.bind(path)) == 98)  -- EADDRINUSE

local abstract = "\0mio-lua-test-" .. tostring(os.time()) .. tostring(math.random(1e9))
local al = assert(mio.UnixListener.bind(abstract))
assert(al:local_addr() == abstract)

local pa, pb = mio.UnixStream.pair()
assert(pa:write("xy") == 2 and pb:read(10) == "xy")

local da = assert(mio.UnixDatagram.bind(dir .. "/a"))
local db = assert(mio.UnixDatagram.bind(dir .. "/b"))
assert(da:send_to("dg", dir .. "/b") == 2)
d, from = db:recv_from(10)
assert(d == "dg" and from == dir .. "/a")
assert(da:connect(dir .. "/b") and da:peer_addr() == dir .. "/b")
assert(da:send("c") == 1 and db:recv(10) == "c")
local anon = assert(mio.UnixDatagram.unbound())
anon:send_to("anon", dir .. "/b")
d, from = db:recv_from(10)
assert(d == "anon" and from == "")
local qa, qb = mio.UnixDatagram.pair()
assert(qa:send("pair") == 4 and qb:recv(10) == "pair")
assert(select(3, qb:recv(10)) == 11)
assert(qa:shutdown(mio.SHUT_RDWR))
assert(select(3, mio.UnixDatagram.bind(dir .. "/" .. string.rep("x", 200))) == 36)  -- ENAMETOOLONG (Linux)

for _, f in ipairs{ "sock", "a", "b" } do os.remove(dir .. "/" .. f) end
os.remove(dir)
print("test_net.lua: ok")
