-- The surface of the Lua module against its reference, the table in
-- mio(7)'s SCRIPTING BINDINGS, Reference (issue 19): every key a script
-- reaches on the module, on each class table and on each object (the
-- keys its __index finds), and the metamethods of the metatables behind
-- them; nothing else.  A name added to the module fails here until mio(7)
-- lists it.  The debug library is used to look behind the metatables,
-- which scripts cannot see (getmetatable returns false).  Also: tostring
-- is Python's repr, and the errno constants are the system's.
local mio = require "mio"
local C = dofile((arg and arg[0] and arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")

local srcdir = os.getenv("top_srcdir") or ((arg[0]:match("^(.*/)") or "./") .. "../..")
local man = assert(io.open(srcdir .. "/man/mio.7"))
local text = man:read("*a")
man:close()

-- {class = {name = true}} for the rows in both languages or in Lua;
-- "*" rows go to every class, "mio" is the module.
local want, every = {}, {}
local inref = false
for line in text:gmatch("[^\n]*") do
	if line == ".Ss Reference" then inref = true
	elseif inref and line:match("^%.Ss ") then break
	elseif inref and line:match("^%.It ") and line:find(" Ta ", 1, true) then
		local cls, where, names = line:match("^%.It (.-) Ta (.-) Ta (.*)$")
		assert(cls, "mio(7): bad row " .. line)
		if cls ~= "Em class" then
			assert(where == "both" or where == "Python" or where == "Lua", "mio(7): bad row " .. line)
			if where ~= "Python" then
				local set = cls == "*" and every or want[cls] or {}
				want[cls] = cls ~= "*" and set or want[cls]
				for n in names:gmatch("%S+") do set[n] = true end
			end
		end
	end
end
assert(want.mio and want.Poll, "no reference table in mio(7)")

local function keys(set)
	local t = {}
	for k in pairs(set) do t[#t + 1] = tostring(k) end
	table.sort(t)
	return t
end
local function diff(a, b)   -- keys of a not in b
	local t = {}
	for k in pairs(a) do if not b[k] then t[#t + 1] = tostring(k) end end
	table.sort(t)
	return table.concat(t, " ")
end
local function same(got, ref, what)
	local extra, missing = diff(got, ref), diff(ref, got)
	assert(extra == "" and missing == "", string.format("%s: not in mio(7): [%s]; in mio(7), missing: [%s]",
		what, extra, missing))
end

-- The module: its own keys; its metatable's lookup tables must add none.
local got = {}
for k in pairs(mio) do got[k] = true end
local mmt = debug.getmetatable(mio)
for _, f in ipairs({ ".fn", ".get" }) do
	for k in pairs(mmt and mmt[f] or {}) do got[k] = true end
end
same(got, want.mio, "module mio")
assert(getmetatable(mio) == false, "the module's metatable is reachable")

local counts = {}
local nclasses = 0
for name, cls in pairs(mio) do
	if type(cls) == "table" then
		nclasses = nclasses + 1
		local ref = want[name]
		assert(ref, "class " .. name .. " is not in mio(7)")
		local cmt = debug.getmetatable(cls)
		local inst = cmt[".instance"]
		local names, meta = {}, {}
		for k in pairs(cls) do names[k] = true end                 -- static methods
		for _, f in ipairs({ ".fn", ".get" }) do                   -- what the class's __index finds
			for k in pairs(cmt[f] or {}) do names[k] = true end
		end
		assert(type(inst.__index) == "table", name .. ": objects' __index is not a plain table")
		for k in pairs(inst.__index) do names[k] = true end        -- methods of objects
		for _, f in ipairs({ ".get" }) do
			for k in pairs(inst[f] or {}) do names[k] = true end
		end
		for k in pairs(inst) do
			if type(k) == "string" and k:sub(1, 2) == "__" then meta[k] = true end
		end
		if rawget(cmt, "__call") then meta.__call = true end
		local all = {}
		for k in pairs(names) do all[k] = true end
		for k in pairs(meta) do all[k] = true end
		local r = {}
		for k in pairs(ref) do r[k] = true end
		for k in pairs(every) do r[k] = true end
		same(all, r, "class " .. name)
		assert(getmetatable(cls) == false, name .. ": class metatable reachable")
		local n = 0
		for _ in pairs(all) do n = n + 1 end
		counts[#counts + 1] = name .. " " .. n
	end
end
assert(nclasses == 14, "classes: " .. nclasses)
table.sort(counts)
print("test_surface.lua: keys per class: " .. table.concat(counts, ", "))

-- objects: the metatable is hidden, SWIG's __disown is gone
local p = assert(mio.Poll())
assert(getmetatable(p) == false)
assert(p.__disown == nil)
local tx, rx = mio.pipe()
for _, o in ipairs({ p, p:registry(), mio.Events(4), tx, rx }) do
	assert(o.__disown == nil and o.disown == nil and o.own == nil)
end

-- tostring is Python's repr
local function eq(a, b) assert(a == b, tostring(a) .. " ~= " .. tostring(b)) end
local fd = rx:fileno()
eq(tostring(rx), "<mio.Receiver fd=" .. fd .. ">")
rx:close()
eq(tostring(rx), "<mio.Receiver closed>")
eq(tostring(mio.Events(64)), "<mio.Events len=0 capacity=64>")
local reg = p:registry()
eq(tostring(reg), "<mio.Registry open>")
local w = assert(mio.Waker(reg, 7))
assert(w:wake())
assert(p:poll(mio.Events(4), 1) == 1)
local ev = mio.Events(4)
assert(w:wake())
assert(p:poll(ev, 1) == 1)
eq(tostring(ev:get(0)), "Event(token=7, readable)")
eq(tostring(ev), "<mio.Events len=1 capacity=4>")
if mio.backend() == "epoll" then eq(tostring(p), "<mio.Poll fd=" .. p:fileno() .. ">")
else eq(tostring(p), "<mio.Poll open>") end
p:close()
eq(tostring(p), "<mio.Poll closed>")
eq(tostring(reg), "<mio.Registry closed>")

-- errno constants: integers, the system's values (Linux)
local linux = { EAGAIN = 11, EWOULDBLOCK = 11, EINTR = 4, EBADF = 9, EINVAL = 22, EPIPE = 32,
	ECONNRESET = 104, ECONNREFUSED = 111, ENOTCONN = 107, EINPROGRESS = 115, EADDRINUSE = 98,
	ENOENT = 2, EEXIST = 17, ENOMEM = 12, EBUSY = 16, ENAMETOOLONG = 36, EOPNOTSUPP = 95 }
for k, v in pairs(linux) do
	assert(mio[k] == v and C.isint(mio[k]), k .. " is " .. tostring(mio[k]))
end
local r, msg, e = tx:write("x")   -- the reader is gone
assert(r == nil and e == mio.EPIPE, tostring(msg))
print("test_surface.lua: ok (" .. C.name .. ")")
