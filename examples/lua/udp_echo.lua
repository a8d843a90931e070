#!/usr/bin/env lua
-- A UDP echo server that moves its datagrams in batches (libmio 1.2), on
-- Lua 5.1 to 5.4 and LuaJIT: the same server as examples/python/udp_echo.py.
--
--     lua udp_echo.lua [ADDRESS]         (default 0.0.0.0:9999; port 0: any)
--
-- Each wake-up receives up to 32 records per system call (recvmmsg) and
-- sends them back as they came with one more (sendmmsg): to the sender,
-- from the address the sender wrote to (packet info: the server is bound
-- to a wildcard address), with the ECN codepoint it carried, and a run
-- the kernel coalesced (GRO) as the same run (GSO).  "STATS?" is answered
-- with the counts, "QUIT!" prints them and exits.  Edge-triggered: after
-- an event, receive until EAGAIN.
local mio = require "mio"

local BATCH = 32
local where = arg[1] or "0.0.0.0:9999"
if arg[2] then
	io.stderr:write("usage: udp_echo.lua [ADDRESS]\n")
	os.exit(2)
end
local ok, sock = pcall(function()
	return where:sub(1, 1) == "[" and mio.UdpSocket.new_v6() or mio.UdpSocket.new_v4()
end)
if not ok or not sock or not mio.addr_parse(where) then
	io.stderr:write(where, ": not an address\n")
	os.exit(2)
end
assert(sock:set_recv_buffer_size(2 * 1024 * 1024))
assert(sock:bind_to(where))
assert(sock:set_recv_pktinfo(true))
assert(sock:set_recv_ecn(true))
assert(sock:set_gro(true))
io.stdout:write(string.format("listening on %s (gso %d, gro %d)\n", sock:local_addr(), sock:gso_segments(),
	sock:gro_segments()))
io.stdout:flush()

local poll = assert(mio.Poll())
local events = mio.Events(16)
assert(poll:registry():register(sock, 0, mio.READABLE))
local stats = { datagrams = 0, records = 0, runs = 0, sends = 0, dropped = 0, not_ect = 0, ect1 = 0, ect0 = 0, ce = 0 }
local order = { "datagrams", "records", "runs", "sends", "dropped", "not_ect", "ect1", "ect0", "ce" }
local ecn_names = { [0] = "not_ect", "ect1", "ect0", "ce" }

local function text()
	local t = {}
	for _, k in ipairs(order) do t[#t + 1] = k .. "=" .. stats[k] end
	return "STATS " .. table.concat(t, " ")
end

local quit = false
while not quit do
	assert(poll:poll(events))
	while true do
		local recs, msg, errno = sock:recv_msgs_info(BATCH)
		if not recs then
			if errno == mio.EAGAIN then break end
			io.stderr:write("recv_msgs_info: ", msg, "\n")  -- an ICMP error of an earlier answer
		else
			for _, r in ipairs(recs) do
				local seg = r.segment_size
				local n = seg > 0 and math.ceil(#r[1] / seg) or 1
				stats.records = stats.records + 1
				stats.datagrams = stats.datagrams + n
				if n > 1 then stats.runs = stats.runs + 1 end
				stats[ecn_names[r.ecn]] = stats[ecn_names[r.ecn]] + n
				if r[1] == "STATS?" then
					sock:send_msgs({ { text(), r[2], local_addr = r.local_addr } })
				elseif r[1] == "QUIT!" then
					quit = true
				end
			end
			-- The records as received; what a full socket cannot take
			-- is dropped, as UDP may.
			local i = 1
			while i <= #recs do
				local rest = {}
				for k = i, #recs do rest[#rest + 1] = recs[k] end
				stats.sends = stats.sends + 1
				local sent = sock:send_msgs(rest)
				if sent then
					i = i + sent
				else
					stats.dropped = stats.dropped + 1
					i = i + 1
				end
			end
		end
	end
end
io.stdout:write("shutting down: ", text(), "\n")
poll:close()
sock:close()
