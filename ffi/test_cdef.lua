-- test_cdef.lua - LuaJIT loads mio.cdef as it is and drives a poll with it.
--   LD_LIBRARY_PATH=<build>/lib/.libs luajit test_cdef.lua mio.cdef VERSION [QUERY]
-- QUERY (check-cdef.sh writes it): lines "tag member...", for which the
-- size, alignment and member offsets LuaJIT computes are printed as
-- "layout ..." lines, for check-cdef.sh to compare with the C compiler's.
-- The library is opened by its soname, "libmio.so.1", as mio(7) says.
-- SPDX-License-Identifier: MIT
local ffi = require "ffi"
local cdef_path, version, query = arg[1], arg[2], arg[3]
local f = assert(io.open(cdef_path))
local text = f:read("*a")
f:close()
ffi.cdef(text)
local mio = ffi.load("libmio.so.1")
local fails = 0
local function check(cond, what)
	print((cond and "ok   " or "FAIL ") .. "luajit: " .. what)
	if not cond then fails = fails + 1 end
end

-- Every function of the cdef resolves in the library.
local nfun, missing = 0, {}
for name in text:gmatch("([%w_]+)%(") do
	if name:match("^mio_") then
		nfun = nfun + 1
		if not pcall(function() return mio[name] end) then missing[#missing + 1] = name end
	end
end
check(nfun > 100 and #missing == 0,
      ("%d functions resolve in libmio.so.1 (%s missing)"):format(nfun, table.concat(missing, " ")))
check(ffi.string(mio.mio_version()) == version, "mio_version() is " .. version)

local pp = ffi.new("mio_poll *[1]")
local ep = ffi.new("mio_events *[1]")
local tx, rx = ffi.new("mio_pipe_sender *[1]"), ffi.new("mio_pipe_receiver *[1]")
check(mio.mio_poll_new(pp) == 0 and mio.mio_events_new(8, ep) == 0 and
      mio.mio_pipe_new(tx, rx) == 0, "poll, events, pipe")
local poll, events = pp[0], ep[0]
local reg = mio.mio_poll_registry(poll)
check(mio.mio_registry_register(reg, mio.mio_pipe_receiver_fd(rx[0]), 4242,
                                mio.MIO_READABLE) == 0, "register the pipe, token 4242")
local ts = ffi.new("struct timespec")
ts.tv_sec, ts.tv_nsec = 0, 10000000
check(mio.mio_poll_wait(poll, events, ts) == 0, "nothing ready: a 10 ms wait returns 0")
check(tonumber(mio.mio_pipe_sender_write(tx[0], "hello", 5)) == 5, "write 5 bytes (intptr_t)")
ts.tv_sec, ts.tv_nsec = 5, 0
check(mio.mio_poll_wait(poll, events, ts) == 1, "one event")
local e = mio.mio_events_get(events, 0)
check(tonumber(mio.mio_event_token(e)) == 4242, "its token is 4242")
check(mio.mio_event_is_readable(e) == 1 and mio.mio_event_is_writable(e) == 0,
      "readable, not writable (bool as uint8_t)")
local buf = ffi.new("char[16]")
check(tonumber(mio.mio_pipe_receiver_read(rx[0], buf, 16)) == 5 and ffi.string(buf, 5) == "hello",
      "read back hello")
check(tonumber(mio.mio_pipe_receiver_read(rx[0], buf, 16)) == -11, "then -EAGAIN")

-- A socket pair, registered once for both directions: writable at once.
local a, b = ffi.new("mio_unix_stream *[1]"), ffi.new("mio_unix_stream *[1]")
check(mio.mio_unix_stream_pair(a, b) == 0, "unix stream pair")
check(mio.mio_registry_register(reg, mio.mio_unix_stream_fd(a[0]), 7,
                                bit.bor(mio.MIO_READABLE, mio.MIO_WRITABLE)) == 0,
      "register one end READABLE|WRITABLE")
local n = mio.mio_poll_wait(poll, events, ts)
check(n == 1 and tonumber(mio.mio_event_token(mio.mio_events_get(events, 0))) == 7 and
      mio.mio_event_is_writable(mio.mio_events_get(events, 0)) == 1, "token 7 writable")

-- Addresses through the opaque struct sockaddr.
local ss, len = ffi.new("struct sockaddr_storage"), ffi.new("uint32_t[1]")
local out = ffi.new("char[64]")
check(mio.mio_addr_parse("[::1]:8080", ss, len) == 0 and
      mio.mio_addr_format(ffi.cast("struct sockaddr *", ss), len[0], out, 64) > 0 and
      ffi.string(out) == "[::1]:8080", "address parsed and formatted")
check(mio.mio_addr_parse("nonsense", ss, len) == -22, "a bad address is -EINVAL")
check(mio.mio_poll_wait(nil, events, nil) == -22, "NULL poll is -EINVAL")

if query then
	for line in io.lines(query) do
		local words = {}
		for w in line:gmatch("%S+") do words[#words + 1] = w end
		if #words > 0 then
			local t = "struct " .. words[1]
			print(("layout size %s %d"):format(words[1], ffi.sizeof(t)))
			print(("layout align %s %d"):format(words[1], ffi.alignof(t)))
			for i = 2, #words do
				print(("layout offset %s %s %d"):format(words[1], words[i], ffi.offsetof(t, words[i])))
			end
		end
	end
end

mio.mio_unix_stream_free(a[0]); mio.mio_unix_stream_free(b[0])
mio.mio_pipe_sender_free(tx[0]); mio.mio_pipe_receiver_free(rx[0])
mio.mio_events_free(events); mio.mio_poll_free(poll)
print(("luajit: %d failure(s)"):format(fails))
os.exit(fails == 0 and 0 or 1)
