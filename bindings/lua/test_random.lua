-- mio Lua binding: a seeded random call-sequence driver.
--
-- Sequences of random calls on random objects (Poll, Events, Registry,
-- Waker, pipe(), TCP and UDP on 127.0.0.1, Unix stream and datagram
-- pairs, autobound Unix sockets) with random and hostile arguments
-- (2^32 + fd, 2^63, negative, floats, NaN, huge and NUL-carrying
-- strings), close(), use after close, the finalizers (called by hand
-- through the debug library, as well as by the collector),
-- collectgarbage("collect"), each checked against a model: the value a
-- call must return, or nil, message, errno with the exact errno, or an
-- argument error.  Bytes written must come back identical; no fd may leak
-- (counted at the end of each sequence).  And the inventory sweep (issue
-- 19, below): every entry of the inventory, with hostile re-entrant
-- values, on objects made through every path.
--
-- Reproducible: the seed is printed, and a failure prints the line to
-- add to the corpus, bindings/lua/seeds.txt ("seed sequences steps lua"),
-- whose seeds are replayed first on every run (`make check` too) under
-- the Lua that found them.  Environment (or arguments seed, sequences, seconds):
--   MIO_RANDOM_SEED       the seed (default: from /dev/urandom); given,
--                         the corpus is not replayed
--   MIO_RANDOM_SEQUENCES  how many sequences (default 60: `make check`,
--                         the quick mode)
--   MIO_RANDOM_STEPS      calls-actions per sequence (default 60)
--   MIO_RANDOM_SECONDS    stop after this many seconds (default 10)
--   MIO_RANDOM_REPLAY=0   do not replay the corpus
--   MIO_RANDOM_SKIP       comma list of action groups to leave out, to look
--                         past one finding at another: registry_ctor, gc,
--                         wideint, ctor_nil, autobind, nul, readv_huge,
--                         sigpipe, closedpoll, hugeevents, sweep
--   MIO_RANDOM_VERBOSE=1  name each action (and each call of the sweep) on
--                         stderr before it runs (a crash)
-- Prints the sequences, binding calls and seconds at the end.
io.stdout:setvbuf("line")   -- a crash must not lose the seed
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

local EAGAIN, EBADF, EINVAL, ENOENT, EEXIST, EPIPE, ENOMEM, EOPNOTSUPP =
	11, 9, 22, 2, 17, 32, 12, 95
local ECONNREFUSED, ENOTCONN, ECONNRESET, ENAMETOOLONG = 111, 107, 104, 36
local EOVERFLOW, ERANGE = 75, 34

-- The seed: given, or 31 bits from /dev/urandom (not the clock: runs in
-- the same second must differ).
local function fresh_seed()
	local f = io.open("/dev/urandom", "rb")
	local b = f and f:read(4) or ""
	if f then f:close() end
	if #b < 4 then return os.time() % 2147483648 end
	return ((b:byte(1) % 128) * 2 ^ 24 + b:byte(2) * 2 ^ 16 + b:byte(3) * 2 ^ 8 + b:byte(4))
end
local GIVEN_SEED = tonumber(arg and arg[1] or os.getenv("MIO_RANDOM_SEED") or "")
local seed = GIVEN_SEED or fresh_seed()
local SEQUENCES = tonumber(arg and arg[2] or os.getenv("MIO_RANDOM_SEQUENCES") or "") or 60
local SECONDS = tonumber(arg and arg[3] or os.getenv("MIO_RANDOM_SECONDS") or "") or 10
local STEPS = tonumber(os.getenv("MIO_RANDOM_STEPS") or "") or 60
local VERBOSE = os.getenv("MIO_RANDOM_VERBOSE")    -- each action on stderr (for a crash)
local SKIP = {}
for w in (os.getenv("MIO_RANDOM_SKIP") or ""):gmatch("[^,]+") do SKIP[w] = true end

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
	-- allpolls: also the polls of finalized Poll objects, which their
	-- registries keep open (a closed fd leaves every one)
	return { socks = {}, polls = {}, allpolls = {}, regs = {}, wakers = {}, events = {}, evobjs = {},
		tmp = os.tmpname() }
end

local function add_sock(kind, o)
	local s = { kind = kind, o = o, fd = o:fileno(), inbox = "", queue = {} }
	S.socks[#S.socks + 1] = s
	return s
end

local function forget_fd(fd)
	for _, p in ipairs(S.allpolls) do p.regs[fd] = nil end
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
	S.allpolls[#S.allpolls + 1] = p
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
	-- (getmetatable gives false: only the debug library reaches it)
	local mt = debug.getmetatable(x[1])
	if type(mt) ~= "table" then return end
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
	if x[2].fd then
		-- (a closed one's fd number may be another object's by now:
		-- mark_closed forgets the fd only for an object still open)
		mark_closed(x[2])
		return
	end
	-- A Poll, Events, Registry or Event: as if dropped (a Poll's registries
	-- keep the poll open), so the model no longer calls it.
	for _, list in ipairs({ S.polls, S.events, S.regs, S.evobjs }) do
		for i = #list, 1, -1 do
			if list[i] == x[2] or list[i] == x[1] then table.remove(list, i) end
		end
	end
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

-- ---- the inventory sweep (issue 19) -----------------------------------
-- Every entry of the inventory (mio(7)'s Reference table, as a script
-- reaches it: the module's functions, each class table's functions and
-- constructor, each object's methods and the operators its metatable
-- answers: tostring, #, ==, o[k], o[k] = v), called with hostile values
-- on objects made through every path: each constructor, pair(), accept(),
-- TcpSocket:listen()/connect(), try_clone(), events:get()/iter(),
-- from_fd(into_fd()), closed, consumed and finalized ones (the finalizer
-- called through the debug library).  Hostile values re-enter: their
-- __index, __len, __tostring, __eq, __call, fileno() and __gc close the
-- sweep's objects, collect garbage, empty or refill the table they came
-- in, call the binding again, and answer differently each time; some
-- calls run with the collector at its most eager, so that finalizers
-- armed for the call run inside the binding's allocations.  The binding
-- must return, return nil, message, errno (an integer), or raise a string
-- error; never crash (ASan and UBSan check memory in CI), hang or leak
-- (the fd count at the end of each sequence).  The sweep's objects are
-- its own: the model's are not touched.
local INV = {}      -- { what, f, kind = "fn" | "static" | "ctor", name }
do
	local function sorted(t)
		local k = {}
		for x in pairs(t) do if type(x) == "string" then k[#k + 1] = x end end
		table.sort(k)
		return k
	end
	for _, k in ipairs(sorted(mio)) do
		local v = mio[k]
		if type(v) == "function" then
			INV[#INV + 1] = { what = "mio." .. k, f = v, kind = "fn", name = k }
		elseif type(v) == "table" then
			for _, n in ipairs(sorted(v)) do
				if type(v[n]) == "function" then
					INV[#INV + 1] = { what = k .. "." .. n, f = v[n], kind = "static", name = n }
				end
			end
			local cmt = debug.getmetatable(v)
			if cmt and rawget(cmt, "__call") then
				INV[#INV + 1] = { what = k .. "()", f = v, kind = "ctor", name = k }
			end
		end
	end
end
-- An object's methods, from its metatable's __index (a plain table), sorted
-- (pairs' order is not the same from run to run: the seed must replay).
local METHODS = setmetatable({}, { __mode = "k" })
local function methods_of(o)
	local mt = debug.getmetatable(o)
	if type(mt) ~= "table" then return {} end
	local m = METHODS[mt]
	if not m then
		m = {}
		if type(rawget(mt, "__index")) == "table" then
			for k, v in pairs(rawget(mt, "__index")) do
				if type(v) == "function" then m[#m + 1] = k end
			end
		end
		table.sort(m)
		for _, op in ipairs({ "(tostring)", "(==)", "(index)", "(newindex)" }) do m[#m + 1] = op end
		if rawget(mt, "__len") then m[#m + 1] = "(#)" end
		METHODS[mt] = m
	end
	return m
end

local sweep_calls = 0
local function sweep_objects()
	local objs = {}
	local function add(o) if o ~= nil then objs[#objs + 1] = o end return o end
	local function try(f, ...)
		local r = C.pack(pcall(f, ...))
		if r[1] then for k = 2, r.n do if type(r[k]) == "userdata" then add(r[k]) end end end
		return r[1] and r[2] or nil
	end
	local p = add(mio.Poll())
	local reg = add(p:registry())
	try(reg.try_clone, reg)
	local ev = add(mio.Events(rnd(8)))
	local w = add(mio.Waker(reg, rnd(100)))
	w:wake()
	p:poll(ev, 0)
	try(ev.get, ev, 0)
	local it = ev:iter()
	try(it)
	try(mio.pipe)
	try(mio.UnixStream.pair)
	try(mio.UnixDatagram.pair)
	try(mio.UnixDatagram.unbound)
	try(mio.UnixDatagram.bind, "")
	local ul = try(mio.UnixListener.bind, "")
	if ul then
		try(mio.UnixStream.connect, ul:local_addr())
		try(ul.accept, ul)
	end
	local tl = try(mio.TcpListener.bind, "127.0.0.1:0")
	if tl then
		local a = tl:local_addr()
		try(mio.TcpStream.connect, a)
		local ts = try(mio.TcpSocket.new_v4)
		if ts then try(ts.connect, ts, a) end       -- consumed: a TcpStream
		try(tl.accept, tl)
	end
	local ts = try(mio.TcpSocket.new_v4)
	if ts and ts:bind("127.0.0.1:0") then try(ts.listen, ts, 4) end   -- consumed: a TcpListener
	try(mio.TcpSocket.new_v6)
	try(mio.UdpSocket.bind, "127.0.0.1:0")
	-- from_fd(into_fd()) of one of them
	local x = objs[rnd(#objs)]
	if x.into_fd and x.fileno and x:fileno() then
		local fd = x:into_fd()
		local cls = tostring(x):match("^<mio%.(%w+)")
		if fd and cls and mio[cls] and mio[cls].from_fd then add(mio[cls].from_fd(fd)) end
	end
	-- dead ones: closed, and finalized by hand
	local c = objs[rnd(#objs)]
	if c.close then c:close() end
	local f = objs[rnd(#objs)]
	local gc = rawget(debug.getmetatable(f) or {}, "__gc")
	if gc then gc(f) end
	return objs, it
end

-- (Out of every C type's range, but no size a malloc grants: a read of
-- 2^31 bytes that succeeds costs seconds under ASan, which poisons the
-- shadow of all of it when it is freed; the model tests the boundaries.)
local NUMBERS = { 0, 1, 3, 7, 64, 65536, -1, -2 ^ 31 - 1, 2 ^ 40 + 5, 2 ^ 53, C.maxinteger, C.mininteger,
	1.5, 0 / 0, math.huge, -math.huge, 1e300, 0.001 }
local STRINGS = { "", "127.0.0.1:0", "[::1]:0", "\0mio-sweep", "x\0y", "/nonexistent/mio",
	"garbage", string.rep("a", 5000), "224.0.0.1", "ff02::1" }

-- A value whose metamethods re-enter.  mode picks what each does; n
-- counts the calls, so it answers differently each time.
local function hostile(objs, args, mode, proxy)
	local n = 0
	local self
	local function act(in_gc)
		n = n + 1
		local k = (n + mode) % 5
		if k == 0 then
			local o = objs[(n % #objs) + 1]
			if o.close then pcall(o.close, o) end
		elseif k == 1 and not in_gc then
			collectgarbage("collect")
		elseif k == 2 then
			for _, a in ipairs(args) do   -- the container the value came in
				if type(a) == "table" then
					for i = 1, 4 do rawset(a, i, i % 2 == 0 and 2 ^ 20 or "zz") end
					rawset(a, 1, nil)
				end
			end
		elseif k == 3 then
			local o = objs[(n % #objs) + 1]
			if o.fileno then pcall(o.fileno, o) end
			if o.poll then pcall(o.poll, o, objs[3], 0) end
		end
	end
	local function fds()
		local o = objs[(n % #objs) + 1]
		local fd = o.fileno and select(1, pcall(o.fileno, o)) and o:fileno()
		return ({ fd or 0, -1, 2 ^ 31 - 1, "3", 1.5, nil, 2 ^ 32 + 1 })[(n % 7) + 1]
	end
	local mt = {
		__index = function(_, key)
			act()
			if key == "fileno" then
				if n % 5 == 4 then error("hostile fileno") end
				return function() act(); return fds() end
			end
			local v = { 2, 30000, "AAAA", objs[1], self, 0 / 0 }
			return v[(n % #v) + 1]
		end,
		__len = function() act(); return ({ 2, 30000, -1, 2 ^ 40, 0 })[(n % 5) + 1] end,
		__tostring = function() act(); return ({ "127.0.0.1:0", "", "x\0y" })[(n % 3) + 1] end,
		__eq = function() act(); return n % 2 == 0 end,
		__call = function() act(); return fds() end,
		__gc = function() act(true) end,
	}
	if proxy and newproxy then
		self = newproxy(true)
		for k, v in pairs(mt) do getmetatable(self)[k] = v end
		return self
	end
	self = setmetatable({ 1, "ab", 3 }, mt)
	return self
end

local function hostile_value(objs, args, it)
	local k = rnd(12)
	if k <= 3 then return NUMBERS[rnd(#NUMBERS)] end
	if k <= 5 then return STRINGS[rnd(#STRINGS)] end
	if k == 6 then return objs[rnd(#objs)] end
	if k == 7 then
		local v = ({ "nil", true, false, {}, { "ab", "cd" }, { 1, 2 }, it, io.stderr })[rnd(8)]
		if v ~= "nil" then return v end
		return nil
	end
	return hostile(objs, args, rnd(5), k == 8)
end

-- Some calls' arguments go to a safe variant, named here: the sweep is
-- for the binding's conversions, not for waiting or giving fds away.
local function tame(what, name, args, nargs)
	if name == "poll" then
		-- no limit would wait for ever (nothing may ever be ready)
		if nargs < 2 or args[2] == nil then args[2], nargs = 0, math.max(nargs, 2) end
		if type(args[2]) == "number" and args[2] > 0 and args[2] <= 2147483 then args[2] = 0.001 end
	elseif name == "set_nonblocking" then
		if args[1] == false then args[1] = true end   -- a blocking read would wait for ever
	elseif name == "set_linger" then
		-- lingering close() waits for unsent data
		if type(args[1]) == "number" and args[1] > 0.01 and args[1] <= 2147483647 then args[1] = 0.01 end
	elseif name == "from_fd" then
		-- an open fd would be adopted (0: stdin) and closed
		if C.isint(args[1]) and args[1] >= 0 and args[1] < 2 ^ 31 then args[1] = 2 ^ 31 - 1 end
	elseif name == "bind" and what:match("^Unix") then
		-- a relative Unix path would make a file in the current directory
		-- (a number too: Lua converts it to the path "7", "inf", ...)
		for i = 1, nargs do
			if type(args[i]) == "number" then args[i] = tostring(args[i]) end
			local c = type(args[i]) == "string" and args[i]:sub(1, 1)
			if c and c ~= "" and c ~= "/" and c ~= "\0" then args[i] = "\0" .. args[i] end
		end
	end
	return nargs
end

local function judge(what, r)
	if not r[1] then
		if type(r[2]) ~= "string" then error(what .. " raised " .. fmt(r[2]) .. ", not a message") end
		return
	end
	if r[2] == nil and r.n >= 3 then
		if type(r[3]) ~= "string" or not C.isint(r[4]) or r[4] <= 0 then
			fail(what, r, "nil, message, errno")
		end
	end
end

action("inventory_sweep", 4, function()
	if SKIP.sweep then return end
	local objs, it = sweep_objects()
	local eager = rnd(3) == 1
	for _ = 1, rnd(12) do
		local args, nargs = {}, rnd(5) - 1
		for i = 1, nargs do args[i] = hostile_value(objs, args, it) end
		local f, what, self, name
		local k = rnd(4)
		if k == 1 then
			local e = INV[rnd(#INV)]
			f, what, name = e.f, e.what, e.name
		else
			self = objs[rnd(#objs)]
			local m = methods_of(self)
			name = m[rnd(#m)]
			if name == "into_fd" then name = "fileno" end   -- the fd would be ours to close
			what = (tostring(self):match("^<?(mio%.%w+)") or "Event") .. ":" .. name
			if name == "(tostring)" then f = function() return tostring(self) end
			elseif name == "(#)" then f = function() return #self end
			elseif name == "(==)" then f = function() return self == args[1] end
			elseif name == "(index)" then f = function() return self[args[1] == nil and "x" or args[1]] end
			elseif name == "(newindex)" then
				f = function() self[args[1] == nil and "x" or args[1]] = args[2] end
			else
				local m_ = self[name]
				f = function(...) return m_(self, ...) end
			end
		end
		nargs = tame(what, name, args, nargs)
		if VERBOSE then io.stderr:write("  sweep ", what, "(", nargs, " args)\n"); io.stderr:flush() end
		-- finalizers armed for this call: each empties the argument tables
		-- and closes an object when the collector gets to it
		if eager then
			for _ = 1, 8 do
				local _ = C.finalizer(function()
					for _, a in ipairs(args) do
						if type(a) == "table" then for i = 1, 3 do rawset(a, i, nil) end end
					end
					local o = objs[rnd(#objs)]
					if o.close then pcall(o.close, o) end
				end)
			end
			C.gc_incremental(1, 100)
		end
		local r = call(f, C.unpack(args, 1, nargs))
		if eager then C.gc_incremental() end
		sweep_calls = sweep_calls + 1
		judge(what, r)
		for i = 2, r.n do
			local v = r[i]
			if type(v) == "userdata" and v ~= io.stderr and #objs < 64 then objs[#objs + 1] = v end
		end
	end
	for _, o in ipairs(objs) do
		if o.close then pcall(o.close, o) end
	end
end)

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

-- Runs up to nseq sequences of `steps` from seed `sd`; on a failure
-- prints what replays it and exits 1.
local function run(sd, nseq, steps, seconds, label)
	math.randomseed(sd)
	local t = os.time()
	for k = 1, nseq do
		if os.time() - t >= seconds then break end
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
			for _ = 1, steps do
				local a = choose()
				trace[#trace + 1] = a.name
				if VERBOSE then io.stderr:write(a.name, "\n"); io.stderr:flush() end
				a.f()
			end
		end, debug.traceback)
		local why
		if okrun then
			teardown()
			local fds = #fd_list()
			if fds ~= fds0 then why = string.format("fd leak: %d fds, %d at the start", fds, fds0) end
		end
		if not okrun or why then
			print(string.format("test_random.lua: FAIL%s in sequence %d of MIO_RANDOM_SEED=%d "
				.. "MIO_RANDOM_STEPS=%d MIO_RANDOM_SEQUENCES=%d (%s, backend %s)%s; steps: %s",
				label, k, sd, steps, k, C.name, mio.backend(), why and (": " .. why) or "",
				table.concat(trace, " ")))
			if not okrun then print(err) end
			print(string.format("test_random.lua: once fixed, add the line '%d %d %d %s' to "
				.. "bindings/lua/seeds.txt (make check replays it)", sd, k, steps, C.short))
			os.exit(1)
		end
	end
end

-- The corpus: seeds that once found a bug, replayed first, each as it
-- failed ("seed sequences steps lua"): the same sequences, on the Lua
-- that found it (the others' generators differ: there it would be one
-- more random run; a line without the last field replays everywhere).
local here = arg and arg[0] and arg[0]:match("^(.*/)") or "./"
local lines = {}
local corpus = io.open(here .. "seeds.txt")
if corpus then
	for line in corpus:lines() do lines[#lines + 1] = line end
	corpus:close()     -- before the first sequence: its fd would count as a leak
end
local replayed = 0
if not GIVEN_SEED and os.getenv("MIO_RANDOM_REPLAY") ~= "0" then
	for _, line in ipairs(lines) do
		local sd, n, st, on = line:gsub("#.*", ""):match("^%s*(%d+)%s+(%d+)%s+(%d+)%s*(%S*)%s*$")
		if sd and on ~= "" and on ~= C.short then
			print(string.format("test_random.lua: corpus seed %s is %s's, not replayed here", sd, on))
		elseif sd then
			print(string.format("test_random.lua: replaying corpus seed MIO_RANDOM_SEED=%s "
				.. "MIO_RANDOM_SEQUENCES=%s MIO_RANDOM_STEPS=%s", sd, n, st))
			run(tonumber(sd), tonumber(n), tonumber(st), math.huge, " (corpus)")
			replayed = replayed + 1
		elseif not line:match("^%s*#") and not line:match("^%s*$") then
			print("test_random.lua: bad line in seeds.txt (want: seed sequences steps [lua]): " .. line)
			os.exit(1)
		end
	end
end

print(string.format("test_random.lua: MIO_RANDOM_SEED=%d, up to %d sequences x %d steps, %g s (%s, backend %s)",
	seed, SEQUENCES, STEPS, SECONDS, C.name, mio.backend()))
run(seed, SEQUENCES, STEPS, SECONDS, "")
print(string.format("test_random.lua: %d sequences, %d binding calls (%d of them the inventory sweep's), "
	.. "%d s wall, %.1f s cpu, %d corpus seeds (MIO_RANDOM_SEED=%d, %s)",
	sequences, calls, sweep_calls, elapsed(), os.clock() - t0, replayed, seed, C.name))
print("test_random.lua: ok")
