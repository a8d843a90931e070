#!/usr/bin/env lua
-- TCP echo server on libmio's Lua binding: the same server as the C
-- tcp_server example.  Many clients, partial writes (unsent bytes wait
-- for WRITABLE), peers that close (their state is dropped).
--
--     lua echo_server.lua [HOST:PORT]      (default 127.0.0.1:9000)
--
-- It prints "listening on HOST:PORT" once it accepts connections.  Runs
-- on Lua 5.1 to 5.4 and LuaJIT (interests are distinct bits: combine them
-- with +, which every Lua has).
local mio = require "mio"

local SERVER = 0
local EAGAIN = 11
local HIGH_WATER = 1024 * 1024

local addr = arg[1] or "127.0.0.1:9000"
local poll = assert(mio.Poll())
local registry = poll:registry()
local events = mio.Events(256)
local listener = assert(mio.TcpListener.bind(addr))
assert(registry:register(listener, SERVER, mio.READABLE))
io.stdout:write("listening on ", listener:local_addr(), "\n")
io.stdout:flush()

-- token -> { stream = s, pending = { strings not yet written }, size = n, eof = bool }
local conns = {}
local next_token = 1

local function close(token, conn)
	registry:deregister(conn.stream)
	conn.stream:close()
	conns[token] = nil
end

-- Reads until the kernel would block (or HIGH_WATER bytes wait for a slow
-- reader), then writes until it would block.  Returns "blocked" when a
-- call would block, "done" when the connection is finished (closed), and
-- "again" when HIGH_WATER stopped the reads and the writes all went
-- through, so that no call would block yet.
local function turn(token, conn)
	local s = conn.stream
	local result = "again"
	while not conn.eof and conn.size < HIGH_WATER do
		local data, _, errno = s:read(65536)
		if data == nil then
			if errno ~= EAGAIN then close(token, conn) return "done" end  -- reset
			result = "blocked"
			break
		elseif data == "" then
			conn.eof = true  -- echo what is left, then close
		else
			conn.pending[#conn.pending + 1] = data
			conn.size = conn.size + #data
		end
	end
	while #conn.pending > 0 do
		local chunk = conn.pending[1]
		local n, _, errno = s:write(chunk)
		if n == nil then
			if errno ~= EAGAIN then close(token, conn) return "done" end  -- broken pipe
			return "blocked"  -- the rest waits for WRITABLE
		end
		conn.size = conn.size - n
		if n == #chunk then
			table.remove(conn.pending, 1)
		else
			conn.pending[1] = chunk:sub(n + 1)  -- a partial write
		end
	end
	if conn.eof then close(token, conn) return "done" end  -- all echoed
	return result
end

-- Readiness is edge-triggered: after an event, a source is reported again
-- only once one of its I/O calls has failed with EAGAIN (the poll(2)
-- backend re-arms it on that and nothing else).  So whatever the event
-- says, a connection's turn ends only on EAGAIN (READABLE or WRITABLE will
-- come) or when it is closed.
local function service(token, conn)
	repeat until turn(token, conn) ~= "again"
end

-- poll:poll returns how many events it stored; events:token(i) reads one
-- (0-based) without making an Event object.
while true do
	for i = 0, assert(poll:poll(events, nil)) - 1 do
		local token = events:token(i)
		if token == SERVER then
			while true do
				local stream = listener:accept()
				if not stream then break end  -- EAGAIN: all accepted
				registry:register(stream, next_token, mio.READABLE + mio.WRITABLE)
				conns[next_token] = { stream = stream, pending = {}, size = 0, eof = false }
				next_token = next_token + 1
			end
		elseif conns[token] then  -- else: stale, already closed
			service(token, conns[token])
		end
	end
end
