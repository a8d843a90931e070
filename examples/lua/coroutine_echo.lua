#!/usr/bin/env lua
-- TCP echo server on libmio's Lua binding, written as one coroutine per
-- connection: each reads and writes as if it blocked, and a scheduler of
-- a dozen lines resumes it when its socket has an event.
--
--     lua coroutine_echo.lua [HOST:PORT]      (default 127.0.0.1:9000)
--
-- It prints "listening on HOST:PORT" once it accepts connections.
--
-- Readiness is edge-triggered: after an event, a socket is reported again
-- only once one of its calls has failed with EAGAIN (the poll(2) backend
-- re-arms it on that and nothing else).  So a task yields only on EAGAIN,
-- and every socket is registered READABLE|WRITABLE once: whichever edge
-- comes, its task is resumed and retries the call it was in.
local mio = require "mio"

local EAGAIN = 11
local SERVER = 0

local addr = arg[1] or "127.0.0.1:9000"
local poll = assert(mio.Poll())
local registry = poll:registry()
local events = mio.Events(256)

-- ---- the scheduler: token -> task (a coroutine and its socket) ----------

local tasks = {}
local next_token = 1

-- Runs `body(sock)` as a task woken by sock's events.  When body returns
-- (or fails) the socket is deregistered and closed.
local function spawn(sock, body, token)
	token = token or next_token
	next_token = math.max(next_token, token + 1)
	local ok, msg = registry:register(sock, token, mio.READABLE + mio.WRITABLE)
	if not ok then
		sock:close()
		return nil, msg
	end
	tasks[token] = { co = coroutine.create(body), sock = sock }
	return token
end

local function resume(token)
	local task = tasks[token]
	if task == nil then return end  -- a stale event for a finished task
	local ok, err = coroutine.resume(task.co, task.sock)
	if not ok then io.stderr:write("task ", token, ": ", tostring(err), "\n") end
	if coroutine.status(task.co) == "dead" then
		registry:deregister(task.sock)
		task.sock:close()
		tasks[token] = nil
	end
end

-- ---- "blocking" I/O for tasks: yield until the next event on EAGAIN -----

local function read(sock, n)
	while true do
		local data, msg, errno = sock:read(n)
		if data or errno ~= EAGAIN then return data, msg, errno end
		coroutine.yield()
	end
end

local function write_all(sock, data)
	while #data > 0 do
		local n, msg, errno = sock:write(data)
		if n then
			data = data:sub(n + 1)  -- a partial write: the rest next
		elseif errno ~= EAGAIN then
			return nil, msg, errno  -- reset, broken pipe
		else
			coroutine.yield()
		end
	end
	return true
end

-- ---- the tasks ----------------------------------------------------------

-- One connection: echo until the peer has finished sending.  Each chunk
-- is written out whole before the next read, so a slow reader holds the
-- reads back (flow control comes with the style).
local function echo(stream)
	while true do
		local data = read(stream, 65536)
		if data == nil or data == "" then return end  -- reset, or all echoed
		if not write_all(stream, data) then return end
	end
end

local function acceptor(listener)
	while true do
		local stream, _, errno = listener:accept()
		if stream then
			local token = spawn(stream, echo)
			if token then resume(token) end  -- data may already be there
		elseif errno == EAGAIN then
			coroutine.yield()
		else
			io.stderr:write("accept: ", tostring(errno), "\n")  -- EMFILE...
			coroutine.yield()
		end
	end
end

local listener = assert(mio.TcpListener.bind(addr))
assert(spawn(listener, acceptor, SERVER))
io.stdout:write("listening on ", listener:local_addr(), "\n")
io.stdout:flush()

while true do
	for i = 0, assert(poll:poll(events, nil)) - 1 do
		resume(events:token(i))
	end
end
