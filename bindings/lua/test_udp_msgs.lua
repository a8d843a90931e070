-- UdpSocket's libmio 1.2 methods (issue 21, item 5), on every Lua: the
-- builder and its options, recv_msgs / recv_msgs_info / send_msgs over
-- loopback (batches, partial batches, EAGAIN, the sendmmsg error rule,
-- segmentation offload both ways and the path without GRO, ECN, packet
-- info on a wildcard bind, truncation), bad inputs (raised) against
-- what libmio refuses (nil, msg, errno), and hostile tables and
-- finalizers for the new typemaps (the re-entrancy rule of mio_lua.i).
-- The looped GSO path (a socket the kernel refuses to segment for) needs
-- setsockopt, which Lua has not: test_udp_msgs.py covers it.
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

local function eq(a, b, what)
	assert(a == b, (what or "") .. ": " .. tostring(a) .. " ~= " .. tostring(b))
end
local function fails(errno, ...)
	local r, msg, e = ...
	assert(r == nil and e == errno, "expected errno " .. errno .. ", got " .. tostring(r) .. " " .. tostring(msg)
		.. " " .. tostring(e))
end
local function raises(pattern, f, ...)
	local ok, err = pcall(f, ...)
	assert(not ok, "no error raised")
	assert(tostring(err):find(pattern, 1, true), "error " .. tostring(err) .. " lacks " .. pattern)
end
local function port_of(addr) return tonumber(addr:match(":(%d+)$")) end
local function pattern(n, seed)
	local t = {}
	for i = 0, n - 1 do t[#t + 1] = string.char((i * 7 + seed * 13) % 251) end
	return table.concat(t)
end

-- A receiving socket and a Poll to wait on it.
local function Rx(where, sock)
	local r = { u = sock or assert(mio.UdpSocket.bind(where or "127.0.0.1:0")), p = assert(mio.Poll()),
		ev = mio.Events(4) }
	assert(r.p:registry():register(r.u, 1, mio.READABLE))
	function r.wait(t) r.p:poll(r.ev, t or 5) end
	-- fn until want items came (or 5 s), and once more: until EAGAIN, as
	-- edge-triggered readiness asks (the poll(2) backend re-arms only
	-- then); what that last call gets is returned too
	function r.drain(want, fn, count, size)
		local got, t0 = {}, os.time()
		while os.time() - t0 < 6 do
			local list, msg, e = r.u[fn or "recv_msgs"](r.u, count, size)
			if list then
				for _, x in ipairs(list) do got[#got + 1] = x end
			else
				assert(e == mio.EAGAIN, msg)
				if #got >= want then break end
				r.wait(0.5)
			end
		end
		return got
	end
	-- one recv_from, waiting for it only after EAGAIN
	function r.recv_from()
		for _ = 1, 10 do
			local d, a, e = r.u:recv_from(100)
			if d then return d, a end
			assert(e == mio.EAGAIN, a)
			r.wait(0.5)
		end
		error("no datagram")
	end
	function r.close() r.p:close(); r.u:close() end
	return r
end
local function eagain(u) fails(mio.EAGAIN, u:recv_msgs()) end

local have_v6 = mio.UdpSocket.bind("[::1]:0") ~= nil

-- constants
eq(mio.ECN_NOT_ECT, 0); eq(mio.ECN_ECT1, 1); eq(mio.ECN_ECT0, 2); eq(mio.ECN_CE, 3)
eq(mio.UDP_MSG_TRUNC, 1); eq(mio.UDP_MSGS_MAX, 64); eq(mio.UDP_MAX_SEGMENTS, 64)
assert(C.isint(mio.UDP_MSGS_MAX) and C.isint(mio.ECN_CE))

-- the builder
do
	local u = assert(mio.UdpSocket.new_v4())
	eq(u:reuseaddr(), false)
	assert(u:set_reuseaddr(true)); assert(u:set_reuseport(true))
	assert(u:reuseaddr() and u:reuseport())
	assert(u:set_recv_buffer_size(65536)); assert(u:set_send_buffer_size(50000))
	assert(u:recv_buffer_size() >= 65536 and u:send_buffer_size() >= 50000)
	assert(C.isint(u:recv_buffer_size()))
	assert(u:set_recv_ecn(true)); assert(u:set_recv_pktinfo(true))
	assert(u:recv_ecn() and u:recv_pktinfo())
	assert(u:bind_to("127.0.0.1:0"))
	assert(u:local_addr():match("^127%.0%.0%.1:%d+$"))
	fails(mio.EINVAL, u:bind_to("127.0.0.1:0"))
	local g = u:gso_segments()
	assert(g == 1 or g == 64, g)
	eq(u:gro_segments(), 1)
	assert(u:set_gro(true))
	print(string.format("test_udp_msgs.lua: gso_segments %d, gro_segments %d", g, u:gro_segments()))
	u:close()
	-- reuseport: two sockets, one port; a third without it is refused
	local a, b = assert(mio.UdpSocket.new_v4()), assert(mio.UdpSocket.new_v4())
	assert(a:set_reuseport(true)); assert(b:set_reuseport(true))
	assert(a:bind_to("127.0.0.1:0")); assert(b:bind_to(a:local_addr()))
	eq(a:local_addr(), b:local_addr())
	local c = assert(mio.UdpSocket.new_v4())
	fails(mio.EADDRINUSE, c:bind_to(a:local_addr()))
	a:close(); b:close(); c:close()
	if have_v6 then
		local v6 = assert(mio.UdpSocket.new_v6())
		assert(v6:set_only_v6(true)); eq(v6:only_v6(), true)
		assert(v6:bind_to("[::]:0"))
		v6:close()
	end
	-- every new method of a closed socket: EBADF
	local z = assert(mio.UdpSocket.new_v4())
	z:close()
	for _, call in ipairs({ { "bind_to", "127.0.0.1:0" }, { "set_reuseaddr", true }, { "reuseaddr" },
		{ "set_reuseport", true }, { "reuseport" }, { "set_recv_buffer_size", 4096 }, { "recv_buffer_size" },
		{ "set_send_buffer_size", 4096 }, { "send_buffer_size" }, { "set_only_v6", true }, { "set_gro", true },
		{ "gro_segments" }, { "gso_segments" }, { "set_recv_ecn", true }, { "recv_ecn" },
		{ "set_recv_pktinfo", true }, { "recv_pktinfo" }, { "recv_msgs" }, { "recv_msgs_info" },
		{ "send_msgs", { { "x", "127.0.0.1:9" } } } }) do
		local r, msg, e = z[call[1]](z, select(2, (table.unpack or unpack)(call)))
		assert(r == nil and e == mio.EBADF, call[1] .. ": " .. tostring(msg))
	end
end

-- batches: 32 there, and the records back as received; partial; EAGAIN
do
	local rx, tx = Rx(), assert(mio.UdpSocket.bind("127.0.0.1:0"))
	local to, items, sent = rx.u:local_addr(), {}, {}
	for i = 1, 32 do
		sent[i] = pattern(100 + i, i)
		items[i] = { sent[i], to }
	end
	eq(tx:send_msgs(items), 32)
	local got = rx.drain(32, nil, 32)
	eq(#got, 32)
	for i = 1, 32 do
		eq(got[i][1], sent[i], "datagram " .. i)
		eq(got[i][2], tx:local_addr())
	end
	eagain(rx.u)
	local back = Rx(nil, tx)
	eq(rx.u:send_msgs(got), 32)
	local echo = back.drain(32)
	for i = 1, 32 do eq(echo[i][1], sent[i]) end
	back.p:close()
	-- a partial batch, then EAGAIN
	eq(tx:send_msgs({ { "a0", to }, { "a1", to }, { "a2", to } }), 3)
	rx.wait()
	local part = {}
	while #part < 3 do
		local l = assert(rx.u:recv_msgs(8))
		assert(#l <= 3)
		for _, x in ipairs(l) do part[#part + 1] = x[1] end
	end
	eq(table.concat(part, ","), "a0,a1,a2")
	eagain(rx.u)
	fails(mio.EAGAIN, rx.u:recv_msgs_info(1))
	-- 64 items, count and size given
	local many = {}
	for i = 1, 64 do many[i] = { string.format("%02d", i), to } end
	eq(tx:send_msgs(many), 64)
	local g64 = rx.drain(64, nil, 64, 2)
	for i = 1, 64 do eq(g64[i][1], many[i][1]) end
	-- the sendmmsg rule: item 3 is an IPv6 destination on an IPv4 socket
	local rule = { { "0", to }, { "1", to }, { "2", "[::1]:9" }, { "3", to }, { "4", to } }
	eq(tx:send_msgs(rule), 2)
	fails(mio.EAFNOSUPPORT, tx:send_msgs({ rule[3], rule[4], rule[5] }))
	eq(tx:send_msgs({ rule[4], rule[5] }), 2)
	local r4 = rx.drain(4)
	eq(r4[1][1] .. r4[2][1] .. r4[3][1] .. r4[4][1], "0134")
	-- the connected peer: addr nil
	local r, msg, e = tx:send_msgs({ { "x" } })
	assert(r == nil and e == 89, msg)  -- EDESTADDRREQ (Linux)
	assert(tx:connect(to))
	eq(tx:send_msgs({ { "p" }, { "q", nil, ecn = 0 } }), 2)
	local pq = rx.drain(2)
	eq(pq[1][1] .. pq[2][1], "pq")
	-- runs of one address string, parsed once, and the connected peer between
	local other = Rx()
	local to2 = other.u:local_addr()
	eq(tx:send_msgs({ { "a1", to }, { "a2", to }, { "b1", to2 }, { "b2", to2 }, { "p" }, { "a3", to } }), 6)
	local ra, rb = rx.drain(4), other.drain(2)   -- tx is connected to rx
	eq(ra[1][1] .. ra[2][1] .. ra[3][1] .. ra[4][1], "a1a2pa3"); eq(rb[1][1] .. rb[2][1], "b1b2")
	other.close()
	-- empty and truncated
	local u2 = assert(mio.UdpSocket.bind("127.0.0.1:0"))
	eq(u2:send_msgs({ { "", to }, { "0123456789", to }, { "abc", to } }), 3)
	local t = rx.drain(3, "recv_msgs_info", nil, 5)
	eq(t[1][1], ""); eq(t[1].flags, 0); eq(t[1].segment_size, 0)
	eq(t[2][1], "01234"); eq(t[2].flags, mio.UDP_MSG_TRUNC); eq(t[2].segment_size, 5)
	eq(t[3][1], "abc"); eq(t[3].flags, 0)
	assert(t[1].local_addr == nil and t[1].ifindex == 0 and t[1].ecn == 0)
	u2:send_msgs({ { "xyz", to } })
	local z = rx.drain(1, "recv_msgs_info", 1, 0)
	eq(z[1][1], ""); eq(z[1].flags, mio.UDP_MSG_TRUNC)
	rx.close(); tx:close(); u2:close()
end

-- segmentation offload: a run of 10 x 1200 + 500
do
	local run, parts = {}, {}
	for k = 0, 10 do parts[k + 1] = pattern(k < 10 and 1200 or 500, k) end
	run = table.concat(parts)
	local rx, tx = Rx(), assert(mio.UdpSocket.bind("127.0.0.1:0"))
	local to = rx.u:local_addr()
	local function send_run() eq(tx:send_msgs({ { run, to, segment_size = 1200 } }), 1) end
	-- without GRO: one record per datagram, segment_size its length
	send_run()
	local recs = rx.drain(11, "recv_msgs_info")
	for k = 1, 11 do eq(recs[k][1], parts[k]); eq(recs[k].segment_size, #parts[k]) end
	-- with GRO: split by recv_msgs, whole in recv_msgs_info
	assert(rx.u:set_gro(true))
	local coalesced = rx.u:gro_segments() > 1 and tx:gso_segments() > 1
	send_run()
	local got = rx.drain(11)
	for k = 1, 11 do eq(got[k][1], parts[k], "datagram " .. k); eq(got[k][2], tx:local_addr()) end
	send_run()
	recs = rx.drain(coalesced and 1 or 11, "recv_msgs_info")
	local whole = {}
	for k, r in ipairs(recs) do whole[k] = r[1] end
	eq(table.concat(whole), run)
	if coalesced then
		eq(#recs, 1); eq(#recs[1][1], 12500); eq(recs[1].segment_size, 1200)
		-- truncated: what fits is split, the last piece short
		send_run()
		local tr = rx.drain(5, nil, nil, 5000)
		eq(#tr, 5)
		for k = 1, 4 do eq(tr[k][1], parts[k]) end
		eq(tr[5][1], parts[5]:sub(1, 200))
		eagain(rx.u)
	end
	print("test_udp_msgs.lua: GRO " .. (coalesced and "coalesced runs" or "not available: one per record"))
	-- limits: 65 segments, segment_size > len, len > 65535
	fails(mio.EINVAL, tx:send_msgs({ { string.rep("x", 650), to, segment_size = 10 } }))
	fails(mio.EINVAL, tx:send_msgs({ { string.rep("x", 650), to, segment_size = 700 } }))
	fails(mio.EMSGSIZE, tx:send_msgs({ { string.rep("x", 65536), to } }))
	rx.close(); tx:close()
end

-- ECN both ways, and echoed as received
local function ecn_roundtrip(rxwhere, txwhere, host)
	local rx, tx = Rx(rxwhere), assert(mio.UdpSocket.bind(txwhere))
	assert(rx.u:set_recv_ecn(true))
	local to = rx.u:local_addr()
	if host then to = host .. ":" .. port_of(to) end
	local items = {}
	for e = 0, 3 do items[e + 1] = { tostring(e), to, ecn = e } end
	eq(tx:send_msgs(items), 4)
	local got = rx.drain(4, "recv_msgs_info")
	for e = 0, 3 do eq(got[e + 1][1], tostring(e)); eq(got[e + 1].ecn, e, rxwhere) end
	local back = Rx(nil, tx)
	assert(tx:set_recv_ecn(true))
	eq(rx.u:send_msgs(got), 4)
	local echo = back.drain(4, "recv_msgs_info")
	for e = 0, 3 do eq(echo[e + 1].ecn, e) end
	back.p:close(); rx.close(); tx:close()
end
ecn_roundtrip("127.0.0.1:0", "127.0.0.1:0")
if have_v6 then
	ecn_roundtrip("[::1]:0", "[::1]:0")
	ecn_roundtrip("[::]:0", "127.0.0.1:0", "127.0.0.1")
end

-- packet info on a wildcard bind: answered from the address written to
do
	local rx, tx = Rx("0.0.0.0:0"), assert(mio.UdpSocket.bind("127.0.0.1:0"))
	assert(rx.u:set_recv_pktinfo(true))
	local port = port_of(rx.u:local_addr())
	eq(tx:send_msgs({ { "one", "127.0.0.1:" .. port }, { "two", "127.0.0.2:" .. port } }), 2)
	local got = rx.drain(2, "recv_msgs_info")
	eq(got[1].local_addr, "127.0.0.1:0"); eq(got[2].local_addr, "127.0.0.2:0")
	assert(C.isint(got[1].ifindex) and got[1].ifindex > 0 and got[2].ifindex == got[1].ifindex)
	local back = Rx(nil, tx)
	eq(rx.u:send_msgs(got), 2)
	local froms = {}
	for _ = 1, 2 do
		local d, a = back.recv_from()
		froms[d] = a
	end
	eq(froms.one, "127.0.0.1:" .. port); eq(froms.two, "127.0.0.2:" .. port)
	eq(rx.u:send_msgs({ { "3", tx:local_addr(), local_addr = "127.0.0.3:0" } }), 1)
	local d, a = back.recv_from()
	eq(d, "3"); eq(a, "127.0.0.3:" .. port)
	back.p:close(); rx.close(); tx:close()
end

-- bad inputs: raised; what libmio refuses: nil, msg, errno; nothing sent
do
	local rx, u = Rx(), assert(mio.UdpSocket.bind("127.0.0.1:0"))
	local to = rx.u:local_addr()
	for _, a in ipairs({ { 0 }, { 65 }, { -1 }, { 1.5 }, { "x" }, { {} }, { 1, -1 }, { 1, 65536 }, { 1, 2.5 } }) do
		raises("must be an integer", u.recv_msgs, u, a[1], a[2])
		raises("must be an integer", u.recv_msgs_info, u, a[1], a[2])
	end
	if C.wideint then raises("count", u.recv_msgs, u, math.maxinteger) end
	fails(mio.EAGAIN, u:recv_msgs(nil, 0))
	local big = {}
	for i = 1, 65 do big[i] = { "x", to } end
	for _, case in ipairs({
		{ {}, "1 to 64 items" }, { big, "1 to 64 items" }, { "abc", "expected a table" }, { nil, "expected a table" },
		{ { "x" }, "item 1 is not a table" }, { { { 5, to } }, "[1] must be the data" },
		{ { { nil, to } }, "[1] must be the data" }, { { { "x", 9 } }, "[2] must be an address or nil" },
		{ { { "x", "127.0.0.1" } }, "[2] must be an address" }, { { { "x", "127.0.0.1:9\0" } }, "[2] must be an address" },
		{ { { "x", to, ecn = 256 } }, "ecn must be an integer" }, { { { "x", to, ecn = -1 } }, "ecn must be an integer" },
		{ { { "x", to, ecn = "1" } }, "ecn must be an integer" }, { { { "x", to, ecn = 1.5 } }, "ecn must be an integer" },
		{ { { "x", to, segment_size = 2 ^ 32 } }, "segment_size must be" }, { { { "x", to, ifindex = -2 } }, "ifindex" },
		{ { { "x", to, local_addr = 7 } }, "local_addr must be an address" },
		{ { { "x", to, local_addr = "nope" } }, "local_addr must be an address" },
		{ { { "ok", to }, { "x", to, ecn = true } }, "item 2: ecn" },
	}) do
		raises(case[2], u.send_msgs, u, case[1])
	end
	fails(mio.EINVAL, u:send_msgs({ { "x", to, ecn = 4 } }))
	fails(mio.EINVAL, u:send_msgs({ { "ok", to }, { "x", to, segment_size = 2 } }))
	fails(mio.EINVAL, u:send_msgs({ { "x", to, local_addr = "[::1]:0" } }))
	-- unknown keys are not read; a record of recv_msgs_info has flags
	eq(u:send_msgs({ { "k", to, flags = 1, whatever = {} } }), 1)
	local k = rx.drain(1)
	eq(k[1][1], "k")
	rx.wait(0.05)
	eagain(rx.u)
	rx.close(); u:close()
end

-- re-entrancy: tables read raw, once; finalizers mid-call
do
	local rx, u = Rx(), assert(mio.UdpSocket.bind("127.0.0.1:0"))
	local to = rx.u:local_addr()
	-- proxies are not consulted: raw length 0, raw [1] nil
	raises("1 to 64 items", u.send_msgs, u, setmetatable({}, { __len = function() return 1 end,
		__index = function() return { "p", to } end }))
	raises("[1] must be the data", u.send_msgs, u, { setmetatable({}, { __index = function() return "d" end }) })
	local item = setmetatable({ "m", to }, { __index = function() error("consulted") end })
	eq(u:send_msgs({ item }), 1)   -- ecn and the rest absent: __index not asked
	eq(rx.drain(1)[1][1], "m")
	-- finalizers that empty the list and the items while it is read
	local list = { { "a", to }, { "b", to }, { "c", to } }
	local armed = false
	for _ = 1, 20 do
		local _ = C.finalizer(function()
			if armed then
				for i = 1, 3 do list[i][1], list[i][2], list[i] = nil, nil, nil end
			end
		end)
	end
	C.gc_incremental(1, 100)
	armed = true
	local r, msg = u:send_msgs(list)
	armed = false
	C.gc_incremental()
	if r == 3 then
		local g = rx.drain(3)
		eq(g[1][1] .. g[2][1] .. g[3][1], "abc")
	else   -- emptied before it was read: an argument error is not possible here, only a count
		error("send_msgs: " .. tostring(msg))
	end
	-- finalizers that receive on another socket, send, and close the
	-- socket while the result is built (5.1, 5.2 and LuaJIT run the
	-- collector inside lua_pushlstring)
	local other = Rx()
	local feeder = assert(mio.UdpSocket.bind("127.0.0.1:0"))
	local ran, during, closing = 0, 0, false
	local function storm(close)
		for _ = 1, 200 do
			local _ = C.finalizer(function()
				ran = ran + 1
				other.u:recv_msgs(64)
				feeder:send_msgs({ { string.rep("Z", 300), other.u:local_addr() } })
				if close and closing then rx.u:close() end
			end)
		end
	end
	for round = 1, 2 do
		local sent, items = {}, {}
		for i = 1, 32 do
			sent[i] = pattern(1000, i + round)
			items[i] = { sent[i], to }
		end
		eq(u:send_msgs(items), 32)
		feeder:send_msgs({ { string.rep("Y", 1000), other.u:local_addr() } })
		rx.wait()
		storm(round == 2)
		-- into the finalizing phase of a cycle, with most still to run:
		-- the call's allocations step the collector further
		C.gc_incremental(1, 100)
		for _ = 1, 10000 do
			if ran > 0 then break end
			collectgarbage("step", 0)
		end
		local before = ran
		closing = true
		local got, msg, e = rx.u[round == 1 and "recv_msgs" or "recv_msgs_info"](rx.u, 32)
		closing = false
		during = during + ran - before
		C.gc_incremental()
		collectgarbage()
		-- closed by a finalizer before the call reached the socket: EBADF
		assert(got or (round == 2 and e == mio.EBADF), "receive failed: " .. tostring(msg))
		if round == 2 then rx.u:close() end
		for i, g in ipairs(got or {}) do eq(g[1], sent[i], "round " .. round .. " datagram " .. i) end
		if round == 1 then
			local rest = rx.drain(32 - #got)
			for i, g in ipairs(rest) do eq(g[1], sent[#got + i]) end
		end
	end
	assert(ran > 0, "no finalizer ran")
	print("test_udp_msgs.lua: finalizers run inside the receives: " .. during .. " of " .. ran)
	fails(mio.EBADF, rx.u:recv_msgs())
	other.close(); feeder:close(); rx.p:close(); u:close()
end

print("test_udp_msgs.lua: ok (" .. C.name .. ")")
