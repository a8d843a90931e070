-- mio Lua binding: a seeded random call-sequence driver.
--
-- Sequences of random calls on random objects (Poll, Events, Registry,
-- Waker, pipe(), TCP and UDP on 127.0.0.1, Unix stream and datagram
-- pairs, autobound Unix sockets) with random and hostile arguments
-- (2^32 + fd, 2^63, negative, floats, NaN, huge and NUL-carrying
-- strings), close(), use after close, the metatables' finalizers where a
-- script can reach them, collectgarbage("collect"), each checked against a
-- model: the value a call must return, or nil, message, errno with the
-- exact errno, or an argument error.  Bytes written must come back
-- identical; no fd may leak (counted at the end of each sequence).
--
-- Reproducible: the seed is printed.  Environment (or arguments
-- seed, sequences, seconds):
--   MIO_RANDOM_SEED       the seed (default: from the clock)
--   MIO_RANDOM_SEQUENCES  how many sequences (default 60: `make check`)
--   MIO_RANDOM_STEPS      calls-actions per sequence (default 60)
--   MIO_RANDOM_SECONDS    stop after this many seconds (default 10)
--   MIO_RANDOM_SKIP       comma list of action groups to leave out, to look
--                         past one finding at another: registry_ctor, gc,
--                         wideint, ctor_nil, autobind, nul, readv_huge,
--                         sigpipe, closedpoll, hugeevents
--   MIO_RANDOM_VERBOSE=1  name each action on stderr before it runs (a crash)
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

local EAGAIN, EBADF, EINVAL, ENOENT, EEXIST, EPIPE, ENOMEM, EOPNOTSUPP =
	11, 9, 22, 2, 17, 32, 12, 95
local ECONNREFUSED, ENOTCONN, ECONNRESET, ENAMETOOLONG = 111, 107, 104, 36
local EOVERFLOW, ERANGE = 75, 34

local seed = tonumber(arg and arg[1] or os.getenv("MIO_RANDOM_SEED") or "") or os.time()
local SEQUENCES = tonumber(arg and arg[2] or os.getenv("MIO_RANDOM_SEQUENCES") or "") or 60
local SECONDS = tonumber(arg and arg[3] or os.getenv("MIO_RANDOM_SECONDS") or "") or 10
local STEPS = tonumber(os.getenv("MIO_RANDOM_STEPS") or "") or 60
local VERBOSE = os.getenv("MIO_RANDOM_VERBOSE")    -- each action on stderr (for a crash)
local SKIP = {}
for w in (os.getenv("MIO_RANDOM_SKIP") or ""):gmatch("[^,]+") do SKIP[w] = true end
print(string.format("test_random.lua: MIO_RANDOM_SEED=%d, up to %d sequences x %d steps, %g s (backend %s)",
	seed, SEQUENCES, STEPS, SECONDS, mio.backend()))
math.randomseed(seed)

local calls = 0
local trace = {}          -- the current sequence's steps, printed on failure

local function rnd(n) return math.random(n) end
local function pick(t, pred)
	local c = {}
	for _, x in ipairs(t) do
		if not pred or pred(x) then c[#c + 1] = x end
	end
	if #c == 0 then return nil end
	return c[rnd(#c)]
end
local function oneof(...) local t = { ... }; return t[rnd(#t)] end

local function fmt(v)
	if type(v) == "string" then
		if #v > 40 then return string.format("<%d-byte string>", #v) end
		return string.format("%q", v)
	end
	return tostring(v)
end

-- One binding call: { n = count, ok = pcall status, ... results }.
local function call(f, ...)
	calls = calls + 1
	return C.pack(pcall(f, ...))
end

local function show(r)
	local parts = {}
	for i = 1, r.n do parts[#parts + 1] = fmt(r[i]) end
	return table.concat(parts, ", ")
end

local function fail(what, r, expected)
	error(string.format("%s: expected %s, got %s", what, expected, show(r)), 2)
end

-- Success: returns the first result.
local function ok(what, r)
	if not r[1] or r[2] == nil then fail(what, r, "success") end
	return r[2], r[3]
end

-- nil, message, errno with one of the given errnos.
local function fails(what, r, ...)
	local want = { ... }
	if not r[1] or r[2] ~= nil or type(r[3]) ~= "string" or not C.isint(r[4]) then
		fail(what, r, "nil, message, errno " .. table.concat(want, "|"))
	end
	for _, e in ipairs(want) do
		if r[4] == e then return end
	end
	fail(what, r, "errno " .. table.concat(want, "|"))
end

-- A Lua error (argument error) - the binding's way to refuse a type.
local function raises(what, r)
	if r[1] then fail(what, r, "an argument error") end
	if type(r[2]) ~= "string" then fail(what, r, "an error message") end
end

-- An integer the C type cannot hold: an argument error, or nil, msg, EINVAL.
local function refuses(what, r)
	if not r[1] then return end
	if r[2] == nil and (r[4] == EINVAL or r[4] == EOVERFLOW or r[4] == ERANGE) then return end
	fail(what, r, "an argument error or nil, msg, EINVAL (an out-of-range integer)")
end

-- The open fds: /proc/self/fdinfo/N is a regular file for every open N
-- (no popen, whose own pipe would be counted, and no open of the fd).
local function fd_list()
	local t = {}
	for fd = 0, 511 do   -- fds are allocated lowest first: a leak shows here
		local f = io.open("/proc/self/fdinfo/" .. fd)
		if f then
			t[#t + 1] = fd
			f:close()
		end
	end
	return t
end

-- ---- the model ---------------------------------------------------------
local S   -- the current sequence's state

local function new_state()
	return { socks = {}, polls = {}, regs = {}, wakers = {}, events = {}, evobjs = {},
		tmp = os.tmpname() }
end

local function add_sock(kind, o)
	local s = { kind = kind, o = o, fd = o:fileno(), inbox = "", queue = {} }
	S.socks[#S.socks + 1] = s
	return s
end

local function forget_fd(fd)
	for _, p in ipairs(S.polls) do p.regs[fd] = nil end
end

local function mark_closed(s)
	if s.closed then return end
	s.closed = true
	forget_fd(s.fd)
	local p = s.peer
	if p then
		p.peer_gone, p.eof = true, true
		-- unread data at close: a RST (TCP) or ECONNRESET (Unix) for the peer
		if (s.kind == "tcp" or s.kind == "ustream") and (#s.inbox > 0 or s.chaotic) then
			p.chaotic = true
		end
	end
end

local function dead(s) return s.closed or s.destroyed end

local function wait_ready(p, ev, pred)
	for _ = 1, 40 do
		assert(p:poll(ev, 0.05))
		for e in ev:iter() do
			if pred(e) then return true end
		end
	end
	return false
end

-- ---- actions -----------------------------------------------------------
local A = {}      -- name -> function; a weight table chooses among them
local W = {}

local function action(name, weight, f)
	A[#A + 1] = { name = name, f = f }
	W[#W + 1] = weight
end

local function new_poll()
	local p = { o = ok("Poll()", call(mio.Poll)), regs = {}, wakers = {} }
	S.polls[#S.polls + 1] = p
	S.regs[#S.regs + 1] = { o = ok("registry()", call(p.o.registry, p.o)), poll = p }
	return p
end
action("new_poll", 2, new_poll)

action("new_events", 2, function()
	local cap = rnd(64)
	local e = ok("Events", call(mio.Events, cap))
	assert(e:capacity() == cap and e:len() == 0 and e:is_empty())
	S.events[#S.events + 1] = { o = e, cap = cap, tokens = {} }
end)

action("events_hostile", 1, function()
	local v = oneof(-1, 1.5, 0 / 0, "8", C.mininteger, 2 ^ 64)
	local r = call(mio.Events, v)
	if type(v) == "number" and v == -1 and r[1] and r[2] == nil then
		-- size_t: -1 may be refused as a range or as memory
		if r[4] == EINVAL or r[4] == ENOMEM then return end
	end
	if r[1] and r[2] ~= nil then fail("Events(" .. fmt(v) .. ")", r, "a refusal") end
	if not SKIP.ctor_nil and r[1] then
		-- finding 8: a constructor fails with nil, message, errno
		if r[2] == nil and (type(r[3]) ~= "string" or not C.isint(r[4])) then
			fail("Events(" .. fmt(v) .. ")", r, "nil, message, errno")
		end
	end
end)

action("events_zero", 1, function()
	if SKIP.ctor_nil then return end
	-- finding 8: nil, message, EINVAL, not a bare nil
	fails("Events(0)", call(mio.Events, 0), EINVAL)
end)

action("events_epoll_limit", 1, function()
	if SKIP.hugeevents then return end
	-- finding 10: a capacity epoll cannot take fails here or works
	local r = call(mio.Events, 178956971)
	if r[2] == nil then
		if not SKIP.ctor_nil then fails("Events(178956971)", r, EINVAL, ENOMEM) end
		return
	end
	local p = mio.Poll()
	local n = ok("poll(Events(178956971), 0)", call(p.poll, p, r[2], 0))
	assert(n == 0)
	p:close()
	r = nil
	collectgarbage()
end)

action("registry_ctor", 1, function()
	if SKIP.registry_ctor then return end
	-- finding 1: a Registry comes from Poll:registry() only
	local r = call(mio.Registry)
	if r[1] and r[2] ~= nil then
		fail("mio.Registry()", r, "an error or nil, message, errno")
	end
end)

action("new_registry", 1, function()
	local p = pick(S.polls)
	if not p then return end
	local r = call(p.o.registry, p.o)
	if p.closed then return fails("registry() of a closed Poll", r, EBADF) end
	S.regs[#S.regs + 1] = { o = ok("registry()", r), poll = p }
end)

action("close_registry", 1, function()
	-- finding 15: Registry:close(); that object fails EBADF, the rest go on
	local g = pick(S.regs)
	if not g or not g.o.close then return end
	local r = call(g.o.close, g.o)
	if not (r[1] and r[2] ~= nil) then fails("Registry:close()", r, EBADF) end
	g.closed = true
end)

action("clone_registry", 1, function()
	local g = pick(S.regs)
	if not g then return end
	local r = call(g.o.try_clone, g.o)
	if g.closed then return fails("try_clone() of a closed Registry", r, EBADF) end
	if g.poll.closed and not SKIP.closedpoll then
		return fails("try_clone() of a closed Poll's registry", r, EBADF)
	end
	if g.poll.closed then return end
	S.regs[#S.regs + 1] = { o = ok("try_clone()", r), poll = g.poll, clone = true }
end)

local function new_waker(g, token)
	local r = call(mio.Waker, g.o, token)
	if g.closed then return fails("Waker(closed Registry)", r, EBADF) end
	if g.poll.closed then
		if not SKIP.closedpoll then fails("Waker(closed Poll's registry)", r, EBADF) end
		return
	end
	local w = { o = ok("Waker()", r), poll = g.poll, token = token }
	S.wakers[#S.wakers + 1] = w
	g.poll.wakers[#g.poll.wakers + 1] = w
end
action("new_waker", 2, function()
	local g = pick(S.regs)
	if g then new_waker(g, oneof(0, 7, rnd(1000), C.maxinteger, C.mininteger, -1)) end
end)

action("new_pipe", 2, function()
	local r = call(mio.pipe)
	local tx, rx = ok("pipe()", r), r[3]
	local a, b = add_sock("sender", tx), add_sock("receiver", rx)
	a.peer, b.peer = b, a
end)

action("new_unix_stream_pair", 2, function()
	local r = call(mio.UnixStream.pair)
	local a, b = add_sock("ustream", ok("UnixStream.pair()", r)), add_sock("ustream", r[3])
	a.peer, b.peer = b, a
end)

action("new_unix_datagram_pair", 2, function()
	local r = call(mio.UnixDatagram.pair)
	local a, b = add_sock("udgram", ok("UnixDatagram.pair()", r)), add_sock("udgram", r[3])
	a.peer, b.peer = b, a
end)

local function new_tcp_pair()
	local lo = ok("TcpListener.bind", call(mio.TcpListener.bind, "127.0.0.1:0"))
	local addr = ok("local_addr", call(lo.local_addr, lo))
	assert(addr:match("^127%.0%.0%.1:%d+$"), addr)
	local c = ok("TcpStream.connect", call(mio.TcpStream.connect, addr))
	local p, ev = mio.Poll(), mio.Events(4)
	local reg = p:registry()
	assert(reg:register(lo, 1, mio.READABLE))
	assert(reg:register(c, 2, mio.WRITABLE))
	assert(wait_ready(p, ev, function(e) return e:token() == 1 end), "no connection to accept")
	local r = call(lo.accept, lo)
	local a = ok("accept", r)
	assert(reg:deregister(c))
	p:close()
	local x, y = add_sock("tcp", c), add_sock("tcp", a)
	x.peer, y.peer = y, x
	x.paddr, y.paddr = addr, r[3]
	ok("close", call(lo.close, lo))
end
action("new_tcp_pair", 2, new_tcp_pair)

local function new_udp()
	local u = ok("UdpSocket.bind", call(mio.UdpSocket.bind, "127.0.0.1:0"))
	local s = add_sock("udp", u)
	s.addr = ok("local_addr", call(u.local_addr, u))
end
action("new_udp", 2, new_udp)

action("autobind_twice", 1, function()
	if SKIP.autobind then return end
	-- finding 5: "" is an unnamed (autobound) socket, never a fixed name
	local k = oneof("UnixDatagram", "UnixListener")
	local a = ok(k .. ".bind('')", call(mio[k].bind, ""))
	local b = ok("a second " .. k .. ".bind('') while the first is open", call(mio[k].bind, ""))
	assert(a:local_addr() ~= b:local_addr(), "two autobound sockets share a name")
	a:close()
	b:close()
end)

action("nul_strings", 1, function()
	if SKIP.nul then return end
	-- finding 12: an embedded NUL is refused, not truncated
	local addr = oneof("127.0.0.1:0\0junk", "127.0.0.1:0\0", "\0", "[::1]:0\0x")
	local f = oneof("TcpListener", "UdpSocket", "connect")
	local r = f == "connect" and call(mio.TcpStream.connect, addr) or call(mio[f].bind, addr)
	if r[1] and r[2] ~= nil then
		r[2]:close()
		fail(f .. "(" .. fmt(addr) .. ")", r, "a refusal")
	end
	-- an argument the binding cannot convert is an argument error (issue 19)
	raises(f .. "(" .. fmt(addr) .. ")", r)
	-- a Unix path with a NUL inside (not the abstract lead byte)
	raises("UnixStream.connect('x\\0y')", call(mio.UnixStream.connect, "x\0y"))
	fails("UnixStream.connect(200 x 'a')", call(mio.UnixStream.connect, string.rep("a", 200)),
		ENAMETOOLONG)
end)

-- Registry ------------------------------------------------------------------
local function reg_judge(g, what, r, judge)
	if g.closed then return fails(what .. " on a closed Registry", r, EBADF) end
	if g.poll.closed then
		if not SKIP.closedpoll then fails(what .. " on a closed Poll's registry", r, EBADF) end
		return
	end
	judge(r)
end

local INTERESTS = { mio.READABLE, mio.WRITABLE, mio.READABLE + mio.WRITABLE, mio.PRIORITY }

action("register", 4, function()
	local g, s = pick(S.regs), pick(S.socks, function(s) return not s.destroyed end)
	if not g or not s then return end
	local token = oneof(rnd(100), C.maxinteger, C.mininteger + 5, -1, 0)
	local src = (rnd(2) == 1 and not s.closed) and s.fd or s.o
	local what = string.format("register(%s fd %d%s)", s.kind, s.fd, s.closed and " closed" or "")
	local r = call(g.o.register, g.o, src, token, INTERESTS[rnd(#INTERESTS)])
	reg_judge(g, what, r, function()
		if s.closed then return fails(what, r, EBADF) end
		if g.poll.regs[s.fd] then return fails(what, r, EEXIST) end
		ok(what, r)
		g.poll.regs[s.fd] = token
	end)
end)

action("reregister", 2, function()
	local g, s = pick(S.regs), pick(S.socks, function(s) return not s.destroyed end)
	if not g or not s then return end
	local token = rnd(1000)
	local what = string.format("reregister(%s fd %d)", s.kind, s.fd)
	local r = call(g.o.reregister, g.o, s.o, token, INTERESTS[rnd(#INTERESTS)])
	reg_judge(g, what, r, function()
		if s.closed then return fails(what, r, EBADF) end
		if not g.poll.regs[s.fd] then return fails(what, r, ENOENT) end
		ok(what, r)
		g.poll.regs[s.fd] = token
	end)
end)

action("deregister", 2, function()
	local g, s = pick(S.regs), pick(S.socks, function(s) return not s.destroyed end)
	if not g or not s then return end
	local what = string.format("deregister(%s fd %d)", s.kind, s.fd)
	local r = call(g.o.deregister, g.o, s.o)
	reg_judge(g, what, r, function()
		if s.closed then return fails(what, r, EBADF) end
		if not g.poll.regs[s.fd] then return fails(what, r, ENOENT) end
		ok(what, r)
		g.poll.regs[s.fd] = nil
	end)
end)

action("register_bad_interests", 2, function()
	local g = pick(S.regs, function(g) return not g.poll.closed and not g.closed end)
	local s = pick(S.socks, function(s) return not dead(s) end)
	if not g or not s then return end
	local v = oneof(0, 0x20, 0xFFFFFFFF, mio.AIO, C.bor(mio.LIO, 1), -1, 2 ^ 32 + 1, C.shl(1, 32) + 1,
		1.5, 0 / 0, "1", nil)
	if SKIP.wideint and (v == -1 or v == 2 ^ 32 + 1) then return end
	local f = rnd(2) == 1 and g.o.register or g.o.reregister
	local r = call(f, g.o, s.o, 1, v)
	local what = "register(interests=" .. fmt(v) .. ")"
	if v == mio.AIO or v == C.bor(mio.LIO, 1) then return fails(what, r, EOPNOTSUPP) end
	if v == 0 or v == 0x20 or v == 0xFFFFFFFF then return fails(what, r, EINVAL) end
	if C.isint(v) or v == 2 ^ 32 + 1 then
		if SKIP.wideint then return end
		-- finding 3: 2^32 + 1 is not READABLE; -1 is not every bit
		return refuses(what, r)
	end
	raises(what, r)
end)

action("register_bad_source", 2, function()
	local g = pick(S.regs, function(g) return not g.poll.closed and not g.closed end)
	local s = pick(S.socks, function(s) return not dead(s) end)
	if not g then return end
	local which = oneof("register", "reregister", "deregister")
	local v = oneof(-1, 2 ^ 31 - 1, "0", 1.5, 0 / 0, {}, nil, "wide")
	if v == "wide" then
		if SKIP.wideint or not s then return end
		v = C.shl(1, 32) + s.fd   -- finding 3: must not reach fd s.fd
	end
	local r = which == "deregister" and call(g.o[which], g.o, v)
		or call(g.o[which], g.o, v, 1, mio.READABLE)
	local what = which .. "(" .. fmt(v) .. ")"
	if v == -1 or v == 2 ^ 31 - 1 then
		return fails(what, r, EBADF)
	end
	if C.isint(v) then
		refuses(what, r)
		if r[1] and r[2] == nil then return end
		return
	end
	if type(v) == "table" then
		-- a table without fileno()
		return raises(what, r)
	end
	raises(what, r)
end)

-- Poll, Events, Waker -------------------------------------------------------
local function check_events(p, ev, n, what)
	assert(C.isint(n) and n >= 0 and n <= ev.cap, what .. " returned " .. fmt(n))
	assert(ev.o:len() == n and ev.o:is_empty() == (n == 0), what)
	local allowed = {}
	for _, t in pairs(p.regs) do allowed[t] = true end
	for _, w in ipairs(p.wakers) do
		if not w.closed then allowed[w.token] = true end
	end
	local tokens = {}
	for e in ev.o:iter() do
		local t = e:token()
		assert(allowed[t], what .. ": token " .. t .. " is registered nowhere on this poll")
		tokens[#tokens + 1] = t
		S.evobjs[#S.evobjs + 1] = e
		if #S.evobjs > 16 then table.remove(S.evobjs, 1) end
	end
	assert(#tokens == n, what)
	for k = 1, n do assert(ev.o:get(k - 1):token() == tokens[k]) end
	assert(ev.o:get(n) == nil)
	local seen = {}
	for _, t in ipairs(tokens) do seen[t] = true end
	for _, w in ipairs(p.wakers) do
		if w.pending and not w.closed and n < ev.cap then
			assert(seen[w.token], what .. ": woken waker " .. w.token .. " gave no event")
		end
		if seen[w.token] then w.pending = false end
	end
	ev.tokens = tokens
end

action("poll", 4, function()
	local p, ev = pick(S.polls), pick(S.events)
	if not p or not ev then return end
	local t = oneof(0, 0.0, 0.001, 0.01)
	local r = call(p.o.poll, p.o, ev.o, t)
	if p.closed then return fails("poll() of a closed Poll", r, EBADF) end
	check_events(p, ev, ok("poll", r), "poll(" .. t .. ")")
end)

action("poll_bad_timeout", 1, function()
	local p, ev = pick(S.polls, function(p) return not p.closed end), pick(S.events)
	if not p or not ev then return end
	local v = oneof(-1, -0.5, 0 / 0, "1", {})
	local r = call(p.o.poll, p.o, ev.o, v)
	if r[1] and r[2] ~= nil then fail("poll(timeout=" .. fmt(v) .. ")", r, "a refusal") end
	raises("poll(nil events)", call(p.o.poll, p.o, nil, 0))
end)

action("events_get", 1, function()
	local ev = pick(S.events)
	if not ev then return end
	local k = oneof(-1, 0, 1, 1000, 2 ^ 63, C.maxinteger, 1.5)
	local r = call(ev.o.get, ev.o, k)
	local what = "Events:get(" .. fmt(k) .. ")"
	if not C.isint(k) then
		if k == 2 ^ 63 then return refuses(what, r) end
		return raises(what, r)
	end
	if k >= 0 and k < #ev.tokens then
		assert(ok(what, r):token() == ev.tokens[k + 1])
	elseif k >= 0 then
		assert(r[1] and r[2] == nil, what)
	else
		-- -1 as size_t is past the end either way: nil or a refusal
		assert(not r[1] or r[2] == nil, what .. " gave " .. show(r))
	end
end)

action("wake", 2, function()
	local w = pick(S.wakers)
	if not w then return end
	local r = call(w.o.wake, w.o)
	if w.closed then return fails("wake() after close", r, EBADF) end
	ok("wake()", r)
	w.pending = true
end)

action("waker_close", 1, function()
	local w = pick(S.wakers)
	if not w then return end
	ok("Waker:close()", call(w.o.close, w.o))
	w.closed, w.pending = true, false
end)

action("close_poll", 1, function()
	if SKIP.closedpoll then return end
	local p = pick(S.polls)
	if not p then return end
	ok("Poll:close()", call(p.o.close, p.o))
	p.closed = true
	p.regs = {}
	for _, w in ipairs(p.wakers) do w.pending = false end
	fails("fileno() of a closed Poll", call(p.o.fileno, p.o), EBADF)
end)

-- data ----------------------------------------------------------------------
local function payload()
	local k = rnd(4)
	if k == 1 then return "" end
	if k == 2 then
		local t = {}
		for i = 1, rnd(64) do t[i] = string.char(math.random(0, 255)) end
		return table.concat(t)
	end
	if k == 3 then return ("ab\0"):rep(rnd(100)) end
	local n = math.random(1000, 70000)
	return string.rep(string.char(n % 256), n)
end

local function expect_read(s, r, n, what)
	if dead(s) then return fails(what .. " after close", r, EBADF) end
	local chaotic = s.chaotic or (s.peer and s.peer.chaotic)
	if not r[1] then fail(what, r, "no error") end
	if r[2] == nil then
		if chaotic then return fails(what, r, EAGAIN, ECONNRESET, EPIPE) end
		fails(what, r, EAGAIN)
		if n > 0 and #s.inbox > 0 and s.kind ~= "tcp" then
			error(what .. ": EAGAIN with " .. #s.inbox .. " bytes sent to it")
		end
		if s.eof and #s.inbox == 0 then error(what .. ": EAGAIN instead of EOF") end
		return
	end
	local got = r[2]
	assert(type(got) == "string", what)
	if chaotic then
		if #got > 0 and s.inbox:sub(1, #got) == got then s.inbox = s.inbox:sub(#got + 1)
		else s.chaotic = true end
		return
	end
	if n == 0 then assert(got == "", what .. ": read(0) gave data"); return end
	if #s.inbox == 0 then
		assert(got == "" and s.eof, what .. ": " .. fmt(got) .. " from nowhere")
		return
	end
	local want = s.inbox:sub(1, n)
	if s.kind == "tcp" then
		assert(#got > 0 and want:sub(1, #got) == got, what .. ": wrong bytes " .. fmt(got))
	else
		assert(got == want, string.format("%s: got %d bytes %s, expected %d bytes %s",
			what, #got, fmt(got:sub(1, 32)), #want, fmt(want:sub(1, 32))))
	end
	s.inbox = s.inbox:sub(#got + 1)
end

local SIZES = { 0, 1, 2, 7, 100, 4096, 65535, 65536, 65537, 200000 }

action("stream_read", 5, function()
	local s = pick(S.socks, function(s) return s.kind == "tcp" or s.kind == "ustream" or s.kind == "receiver" end)
	if not s then return end
	local n = SIZES[rnd(#SIZES)]
	if s.kind == "tcp" and #s.inbox > 0 and not dead(s) and not s.chaotic and not s.peer.chaotic then
		local p, ev = mio.Poll(), mio.Events(2)
		p:registry():register(s.o, 1, mio.READABLE)
		wait_ready(p, ev, function() return true end)
		p:close()
	end
	if rnd(3) == 1 then
		local a = C.idiv(n, 3)
		local r = call(s.o.readv, s.o, { a, n - a })
		if r[1] and r[2] ~= nil then
			assert(type(r[3]) == "table" and #r[3] == 2, "readv: no table of strings")
			local got = table.concat(r[3])
			assert(#got == r[2], "readv: count " .. r[2] .. " but " .. #got .. " bytes")
			r = { n = 2, true, got }
		end
		return expect_read(s, r, n, s.kind .. ":readv(" .. n .. ")")
	end
	expect_read(s, call(s.o.read, s.o, n), n, s.kind .. ":read(" .. n .. ")")
end)

action("read_bad_size", 2, function()
	local s = pick(S.socks, function(s) return s.o.read or s.o.recv end)
	if not s then return end
	local f = s.o.read or s.o.recv
	local v = oneof(-1, 2 ^ 62, C.shl(1, 62), C.mininteger, 1.5, 0 / 0, "8", nil)
	if SKIP.wideint and C.isint(v) then return end
	local r = call(f, s.o, v)
	local what = s.kind .. ":read(" .. fmt(v) .. ")"
	if C.isint(v) or v == 2 ^ 62 then
		if dead(s) then
			if r[1] and r[2] == nil and r[4] == EBADF then return end
		end
		if r[1] and r[2] == nil and (r[4] == ENOMEM or r[4] == EINVAL) then return end
		if SKIP.wideint then return end
		return refuses(what, r)
	end
	raises(what, r)
end)

action("readv_huge", 1, function()
	if SKIP.readv_huge then return end
	local s = pick(S.socks, function(s) return s.o.readv and not dead(s) end)
	if not s then return end
	-- finding 13: a huge total is nil, msg, ENOMEM, not a Lua memory error
	local sizes = {}
	for i = 1, 1024 do sizes[i] = C.shl(1, 30) end
	local r = call(s.o.readv, s.o, sizes)
	fails(s.kind .. ":readv(1024 x 2^30)", r, ENOMEM)
end)

action("stream_write", 5, function()
	local s = pick(S.socks, function(s) return s.kind == "tcp" or s.kind == "ustream" or s.kind == "sender" end)
	if not s then return end
	local data = payload()
	local what = string.format("%s:write(%d bytes)", s.kind, #data)
	local p = s.peer
	if s.kind == "sender" and p.closed and SKIP.sigpipe then return end
	local r
	if rnd(3) == 1 then
		local cut = C.idiv(#data, 2)
		r = call(s.o.writev, s.o, { data:sub(1, cut), data:sub(cut + 1), "" })
	else
		r = call(s.o.write, s.o, data)
	end
	if dead(s) then return fails(what .. " after close", r, EBADF) end
	if s.wr_shut or p.closed then
		-- a pipe (and TCP) write of nothing returns 0 before looking at the peer
		if #data == 0 and r[1] and r[2] == 0 then return end
		if s.kind == "tcp" and not s.wr_shut and r[1] and r[2] ~= nil then
			s.chaotic, p.chaotic = true, true
			return
		end
		return fails(what .. " to a closed peer", r, EPIPE, ECONNRESET)
	end
	if s.chaotic or p.chaotic then
		if r[1] and r[2] == nil then fails(what, r, EAGAIN, EPIPE, ECONNRESET) end
		return
	end
	if r[1] and r[2] == nil then
		fails(what, r, EAGAIN)
		assert(#data > 0, what .. ": EAGAIN for nothing")
		return
	end
	local n = ok(what, r)
	assert(C.isint(n) and n >= 0 and n <= #data, what .. " returned " .. fmt(n))
	assert(n > 0 or #data == 0, what)
	p.inbox = p.inbox .. data:sub(1, n)
end)

action("write_hostile", 1, function()
	local s = pick(S.socks, function(s) return s.o.write and not dead(s) end)
	if not s then return end
	for _, v in ipairs({ 5, {}, true }) do
		raises("write(" .. fmt(v) .. ")", call(s.o.write, s.o, v))
	end
	if s.o.writev then
		raises("writev('x')", call(s.o.writev, s.o, "x"))
		raises("writev({'x', 5})", call(s.o.writev, s.o, { "x", {} }))
		local many = {}
		for i = 1, 1025 do many[i] = "" end
		raises("writev(1025 strings)", call(s.o.writev, s.o, many))
	end
end)

-- The live UDP socket the kernel delivers to at addr, if any.  Not the
-- model entry a send picked: that one may be closed while a newer socket
-- got the same ephemeral port, and then the datagram is that one's.
local function udp_at(addr)
	for _, d in ipairs(S.socks) do
		if d.kind == "udp" and d.addr == addr and not dead(d) then return d end
	end
end

action("dgram_send", 3, function()
	local s = pick(S.socks, function(s) return s.kind == "udp" or s.kind == "udgram" end)
	if not s then return end
	local data = payload():sub(1, 65507)
	if s.kind == "udgram" then
		local what = string.format("UnixDatagram:send(%d bytes)", #data)
		local r = call(s.o.send, s.o, data)
		if dead(s) then return fails(what .. " after close", r, EBADF) end
		if s.chaotic or s.peer.chaotic then
			if r[1] and r[2] == nil then fails(what, r, EPIPE, EAGAIN, ECONNREFUSED, ENOTCONN) end
			return
		end
		if s.wr_shut then return fails(what, r, EPIPE) end
		if s.peer.closed then
			-- Linux drops our own queue when the send finds the peer gone
			-- (unix_dgram_disconnected): nothing is left to read.
			s.queue = {}
			return fails(what .. " to a closed peer", r, ECONNREFUSED, ENOTCONN)
		end
		if r[1] and r[2] == nil then return fails(what, r, EAGAIN) end
		assert(ok(what, r) == #data)
		s.peer.queue[#s.peer.queue + 1] = { data }
		return
	end
	local dst = pick(S.socks, function(d) return d.kind == "udp" end)
	local what = string.format("UdpSocket:send_to(%d bytes, %s)", #data, dst.addr)
	local r = call(s.o.send_to, s.o, data, dst.addr)
	if dead(s) then return fails(what .. " after close", r, EBADF) end
	assert(ok(what, r) == #data)
	local to = udp_at(dst.addr)
	if to then to.queue[#to.queue + 1] = { data, s.addr } end
end)

-- The model's verdict on a receive r from s where it is not about the
-- data (a closed socket, unmodelled data, nothing queued): nil; else
-- the data received.
local function dgram_result(s, what, r)
	if dead(s) then return fails(what .. " after close", r, EBADF) end
	if s.chaotic then
		if r[1] and r[2] == nil then fails(what, r, EAGAIN) else s.queue = {} end
		return
	end
	if #s.queue == 0 then return fails(what .. " with nothing queued", r, EAGAIN) end
	return ok(what, r)
end

-- Until a UDP socket with datagrams in the model has one to read.
local function wait_queued(s)
	if s.kind ~= "udp" or #s.queue == 0 or dead(s) or s.chaotic then return end
	local p, ev = mio.Poll(), mio.Events(2)
	p:registry():register(s.o, 1, mio.READABLE)
	wait_ready(p, ev, function() return true end)
	p:close()
end

action("dgram_recv", 3, function()
	local s = pick(S.socks, function(s) return s.kind == "udp" or s.kind == "udgram" end)
	if not s then return end
	local n = SIZES[rnd(#SIZES)]
	local how = oneof("recv", "recv_from", s.kind == "udp" and "peek" or "recv",
		s.kind == "udp" and "peek_from" or "recv_from")
	local what = s.kind .. ":" .. how .. "(" .. n .. ")"
	wait_queued(s)
	local r = call(s.o[how], s.o, n)
	local got = dgram_result(s, what, r)
	if got == nil then return end
	local d = s.queue[1]
	assert(got == d[1]:sub(1, n), string.format("%s: got %s, expected %s", what,
		fmt(got:sub(1, 32)), fmt(d[1]:sub(1, 32))))
	if how:match("_from$") and s.kind == "udp" then
		assert(r[3] == d[2], what .. ": from " .. fmt(r[3]) .. ", expected " .. fmt(d[2]))
	end
	if not how:match("^peek") then table.remove(s.queue, 1) end
end)

-- UdpSocket:send_msgs / recv_msgs (libmio 1.2) against the same queues as
-- send_to / recv_from: a batch sent is queued whole, in order; a batch
-- received is a prefix of the queue (partial when the rest has not
-- arrived), each datagram cut to size.
action("udp_batch", 2, function()
	local s = pick(S.socks, function(s) return s.kind == "udp" end)
	if not s then return end
	if rnd(2) == 1 then
		local dst = pick(S.socks, function(d) return d.kind == "udp" end)
		local items = {}
		for k = 1, rnd(8) do items[k] = { string.rep(string.char(k), rnd(3000) - 1), dst.addr } end
		local what = string.format("UdpSocket:send_msgs(%d items to %s)", #items, dst.addr)
		local r = call(s.o.send_msgs, s.o, items)
		if dead(s) then return fails(what .. " after close", r, EBADF) end
		assert(ok(what, r) == #items, what)
		local to = udp_at(dst.addr)
		if to then
			for _, it in ipairs(items) do to.queue[#to.queue + 1] = { it[1], s.addr } end
		end
		return
	end
	local count, size = rnd(8), SIZES[rnd(#SIZES)]
	local what = string.format("UdpSocket:recv_msgs(%d, %d)", count, size)
	if size > 65535 then return raises(what, call(s.o.recv_msgs, s.o, count, size)) end
	wait_queued(s)
	local r = call(s.o.recv_msgs, s.o, count, size)
	local got = dgram_result(s, what, r)
	if got == nil then return end
	assert(#got >= 1 and #got <= math.min(count, #s.queue), what .. ": " .. #got .. " of " .. #s.queue)
	for i, g in ipairs(got) do
		local d = s.queue[i]
		assert(g[1] == d[1]:sub(1, size) and g[2] == d[2], string.format("%s: got %s from %s, expected %s from %s",
			what, fmt(g[1]:sub(1, 32)), fmt(g[2]), fmt(d[1]:sub(1, 32)), fmt(d[2])))
	end
	for _ = 1, #got do table.remove(s.queue, 1) end
end)

-- options, shutdown, ownership ----------------------------------------------
action("ttl", 2, function()
	local s = pick(S.socks, function(s) return s.kind == "tcp" or s.kind == "udp" end)
	if not s then return end
	local v = oneof(1, 64, 255, 0, 256, -1, C.shl(1, 32) + 64, 2 ^ 32 + 64, 1.5, "64")
	if SKIP.wideint and (v == -1 or v == 2 ^ 32 + 64) then return end
	local before = not dead(s) and s.o:ttl()
	local r = call(s.o.set_ttl, s.o, v)
	local what = "set_ttl(" .. fmt(v) .. ")"
	if type(v) ~= "number" or v ~= math.floor(v) then return raises(what, r) end
	if v < 0 or v >= 2 ^ 32 then
		if SKIP.wideint then return end
		-- finding 3: 2^32 + 64 is not 64
		refuses(what, r)
		if before then
			assert(s.o:ttl() == before, what .. " changed the ttl to " .. s.o:ttl())
		end
		return
	end
	if dead(s) then return fails(what .. " after close", r, EBADF) end
	if v == 0 or v == 256 then return fails(what, r, EINVAL) end
	ok(what, r)
	assert(s.o:ttl() == v, "ttl() is not " .. v)
end)

action("shutdown", 2, function()
	local s = pick(S.socks, function(s) return s.kind == "tcp" or s.kind == "ustream" end)
	if not s then return end
	local how = oneof(mio.SHUT_WR, mio.SHUT_RD, mio.SHUT_RDWR, 3, -1, C.shl(1, 32) + 1, 1.5)
	if SKIP.wideint and how == C.shl(1, 32) + 1 then return end
	local r = call(s.o.shutdown, s.o, how)
	local what = "shutdown(" .. fmt(how) .. ")"
	if not C.isint(how) then return raises(what, r) end
	if how > 2 ^ 31 then
		if SKIP.wideint then return end
		-- finding 3: 2^32 + 1 is not SHUT_WR
		return refuses(what, r)
	end
	if dead(s) then return fails(what .. " after close", r, EBADF) end
	if how < 0 or how > 2 then return fails(what, r, EINVAL) end
	if s.kind == "tcp" and r[2] == nil and (s.chaotic or s.peer_gone or s.wr_shut or s.peer.wr_shut) then
		return fails(what, r, ENOTCONN)
	end
	ok(what, r)
	if how ~= mio.SHUT_RD then
		s.wr_shut = true
		s.peer.eof = true
	end
	if how ~= mio.SHUT_WR then s.chaotic, s.peer.chaotic = true, true end
end)

action("addresses", 2, function()
	local s = pick(S.socks)
	if not s then return end
	local r = call(s.o.fileno, s.o)
	if dead(s) then return fails("fileno() after close", r, EBADF) end
	assert(ok("fileno()", r) == s.fd)
	assert(ok("take_error()", call(s.o.take_error or function() return 0 end, s.o)) >= 0)
	if s.kind == "tcp" and not s.chaotic and not s.peer_gone and not s.wr_shut and not s.peer.wr_shut then
		-- (FINs both ways end the connection: then ENOTCONN)
		local a = ok("peer_addr()", call(s.o.peer_addr, s.o))
		assert(a == s.paddr, "peer_addr() " .. a .. ", the peer is " .. s.paddr)
	end
end)

action("close", 3, function()
	local s = pick(S.socks)
	if not s then return end
	local r = call(s.o.close, s.o)
	if not s.destroyed then ok("close()", r) end
	mark_closed(s)
	if rnd(2) == 1 and not s.destroyed then ok("a second close()", call(s.o.close, s.o)) end
end)

action("drop", 2, function()
	local s = pick(S.socks)
	if not s then return end
	for i, x in ipairs(S.socks) do
		if x == s then table.remove(S.socks, i) break end
	end
	mark_closed(s)
	s.o = nil
	collectgarbage()   -- the collector closes it now
end)

action("into_fd_from_fd", 1, function()
	local s = pick(S.socks)
	if not s then return end
	local r = call(s.o.into_fd, s.o)
	if dead(s) then return fails("into_fd() after close", r, EBADF) end
	local fd = ok("into_fd()", r)
	assert(fd == s.fd)
	fails("fileno() after into_fd()", call(s.o.fileno, s.o), EBADF)
	local cls = ({ tcp = mio.TcpStream, udp = mio.UdpSocket, ustream = mio.UnixStream,
		udgram = mio.UnixDatagram, sender = mio.Sender, receiver = mio.Receiver })[s.kind]
	s.o = ok("from_fd(" .. fd .. ")", call(cls.from_fd, fd))
	assert(s.o:fileno() == fd)
end)

action("from_fd_hostile", 2, function()
	local cls = oneof(mio.TcpStream, mio.UdpSocket, mio.UnixStream, mio.UnixDatagram,
		mio.TcpListener, mio.Sender, mio.Receiver)
	local s = pick(S.socks, function(s) return not dead(s) end)
	local v = oneof(-1, 2 ^ 31 - 1, C.mininteger, 1.5, "3", "wide")
	if SKIP.wideint and v == C.mininteger then return end   -- (int) of it is 0
	if v == "wide" then
		if SKIP.wideint or not s then return end
		v = C.shl(1, 32) + s.fd   -- finding 3: must not adopt s.fd
	end
	local r = call(cls.from_fd, v)
	local what = "from_fd(" .. fmt(v) .. ")"
	if r[1] and r[2] ~= nil then
		r[2]:into_fd()     -- do not close somebody else's fd on the way out
		fail(what, r, "a refusal")
	end
	if v == -1 or v == 2 ^ 31 - 1 then return fails(what, r, EBADF) end
	if C.isint(v) then return refuses(what, r) end
	raises(what, r)
end)

action("finalizer", 1, function()
	if SKIP.gc then return end
	-- finding 2: a script cannot reach a finalizer, or if it can, calling
	-- it leaves an object that fails cleanly (and no double free later)
	local all = {}
	for _, s in ipairs(S.socks) do all[#all + 1] = { s.o, s } end
	for _, p in ipairs(S.polls) do all[#all + 1] = { p.o, p } end
	for _, e in ipairs(S.events) do all[#all + 1] = { e.o, e } end
	for _, g in ipairs(S.regs) do all[#all + 1] = { g.o, g } end
	for _, e in ipairs(S.evobjs) do all[#all + 1] = { e, {} } end
	local x = all[rnd(#all)]
	if not x then return end
	local mt = getmetatable(x[1])
	if type(mt) ~= "table" then return end      -- protected: __metatable
	local gc = rawget(mt, "__gc")
	if type(gc) ~= "function" then return end
	calls = calls + 1
	gc(x[1])
	x[2].destroyed = true
	-- every method now fails; none may touch freed memory
	for _, m in ipairs({ "fileno", "read", "write", "len", "token", "registry", "poll" }) do
		local f = x[1][m]
		if f then
			local r = call(f, x[1])
			if r[1] and r[2] ~= nil then
				fail(m .. "() after the finalizer", r, "a failure")
			end
		end
	end
	if x[2].fd then forget_fd(x[2].fd); mark_closed(x[2]) end
	if x[2].regs then x[2].closed = true; x[2].regs = {} end
end)

action("sigpipe", 1, function()
	if SKIP.sigpipe then return end
	-- finding 11: a pipe whose reader is gone gives EPIPE, not SIGPIPE
	local tx, rx = mio.pipe()
	rx:close()
	local r = call(tx.write, tx, "x")
	fails("write to a pipe without a reader", r, EPIPE)
	tx:close()
end)

action("collect", 2, function() collectgarbage("collect") end)

-- ---- the driver --------------------------------------------------------
local total_w = 0
for _, w in ipairs(W) do total_w = total_w + w end
local function choose()
	local x = math.random() * total_w
	for i, w in ipairs(W) do
		x = x - w
		if x <= 0 then return A[i] end
	end
	return A[#A]
end

local function teardown()
	for _, s in ipairs(S.socks) do
		if s.o and not s.destroyed then s.o:close() end
	end
	os.remove(S.tmp)
	S = nil
	collectgarbage()
	collectgarbage()
end

local t0 = os.clock()
local wall0 = os.time()
local function elapsed() return os.time() - wall0 end
collectgarbage()
local fds0 = #fd_list()
local sequences = 0
while sequences < SEQUENCES and elapsed() < SECONDS do
	sequences = sequences + 1
	S = new_state()
	trace = {}
	local okrun, err = xpcall(function()
		new_poll()
		S.events[1] = { o = mio.Events(64), cap = 64, tokens = {} }
		new_tcp_pair()
		new_udp()
		new_udp()
		new_waker(S.regs[1], 7)
		for _ = 1, STEPS do
			local a = choose()
			trace[#trace + 1] = a.name
			if VERBOSE then io.stderr:write(a.name, "\n"); io.stderr:flush() end
			a.f()
		end
	end, debug.traceback)
	if not okrun then
		print(string.format("test_random.lua: FAIL in sequence %d (MIO_RANDOM_SEED=%d), steps: %s",
			sequences, seed, table.concat(trace, " ")))
		print(err)
		os.exit(1)
	end
	teardown()
	local fds = #fd_list()
	if fds ~= fds0 then
		print(string.format("test_random.lua: FAIL: fd leak after sequence %d (MIO_RANDOM_SEED=%d): %d fds, %d at the start; steps: %s",
			sequences, seed, fds, fds0, table.concat(trace, " ")))
		os.exit(1)
	end
end
print(string.format("test_random.lua: %d sequences, %d binding calls, %d s wall, %.1f s cpu (MIO_RANDOM_SEED=%d)",
	sequences, calls, elapsed(), os.clock() - t0, seed))
print("test_random.lua: ok")
