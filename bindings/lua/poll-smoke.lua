-- poll-smoke.lua LABEL [DIR] - the module mio as installed somewhere
-- loads and polls: a pipe registered under a token, one byte written, one
-- event.  With DIR, mio must be DIR/mio.so.  Used by check-rock.sh and
-- .ci/steps/50-debian.sh.
local label, dir = arg[1], arg[2]
local mio = require "mio"
local where = "?"   -- the file require loaded (package.searchpath is 5.2+)
for t in package.cpath:gmatch("[^;]+") do
	local f = t:gsub("%?", "mio")
	local h = io.open(f)
	if h then h:close(); where = f; break end
end
assert(not dir or where == dir .. "/mio.so", where)
local p, ev = assert(mio.Poll()), assert(mio.Events(8))
local tx, rx = assert(mio.pipe())
assert(p:registry():register(rx, 7, mio.READABLE))
assert(tx:write("x") == 1)
assert(p:poll(ev, 5) == 1)
for e in ev:iter() do assert(e:token() == 7 and e:is_readable()) end
print(label .. ": mio from " .. where .. " (libmio " .. mio.version() .. ", " .. _VERSION .. "), a poll ok")
