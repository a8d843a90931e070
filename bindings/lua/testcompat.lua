-- testcompat.lua - what the Lua tests of bindings/lua need from Lua 5.3
-- and 5.4, on every Lua the module is built for (5.1, 5.2, 5.3, 5.4,
-- LuaJIT 2.1): the scripts' side of mio_lua_compat.h, in one place.
--
--   local C = dofile((arg[0]:match("^(.*/)") or "./") .. "testcompat.lua")
--
-- Integers.  On 5.3 and 5.4 numbers have an integer subtype and 64 bits;
-- on 5.1, 5.2 and LuaJIT they are doubles, and the module takes an
-- integer argument only if it is exact and |n| <= 2^53 - 1 (see
-- mio_lua_compat.h).  C.wideint says which; C.maxinteger/C.mininteger are
-- the module's limits (math.maxinteger/mininteger, or +-(2^53 - 1));
-- C.isint(x) is "math.type(x) == 'integer'" there and "an exact integer
-- within the module's limits" here.  The bit operations take
-- non-negative integers below 2^53 (flags, sizes, 1 << 32 + fd).
-- A test about 64-bit integers calls C.skip_unless_wideint(what) and tests
-- the 2^53 rule instead where it returns false.
local C = {}

C.name = (jit and jit.version) or _VERSION
C.short = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))   -- as the interpreter's command
function C.pack(...) return { n = select("#", ...), ... } end
C.unpack = table.unpack or unpack
local loadstr = loadstring or load

C.wideint = math.type ~= nil and math.maxinteger ~= nil and math.maxinteger >= 2 ^ 62
if C.wideint then
	C.maxinteger, C.mininteger = math.maxinteger, math.mininteger
	C.isint = function(x) return math.type(x) == "integer" end
	C.tointeger = math.tointeger
	local ops = loadstr([[return function(a, b) return a & b end, function(a, b) return a | b end,
		function(a, n) return a << n end, function(a, b) return a // b end]])
	C.band, C.bor, C.shl, C.idiv = ops()
else
	C.maxinteger = 2 ^ 53 - 1
	C.mininteger = -C.maxinteger
	C.isint = function(x)
		return type(x) == "number" and x == math.floor(x) and x >= C.mininteger and x <= C.maxinteger
	end
	C.tointeger = function(x)
		x = tonumber(x)
		if C.isint(x) then return x end
	end
	local function bits(a, b, both)
		assert(a >= 0 and b >= 0 and a < 2 ^ 53 and b < 2 ^ 53, "testcompat: bit operands")
		local r, bit = 0, 1
		while a > 0 or b > 0 do
			local x, y = a % 2, b % 2
			if (both and x == 1 and y == 1) or (not both and (x == 1 or y == 1)) then r = r + bit end
			a, b, bit = (a - x) / 2, (b - y) / 2, bit * 2
		end
		return r
	end
	C.band = function(a, b) return bits(a, b, true) end
	C.bor = function(a, b) return bits(a, b, false) end
	C.shl = function(a, n) return a * 2 ^ n end
	C.idiv = function(a, b) return math.floor(a / b) end
end

-- An object whose finalizer calls fn (5.1 and LuaJIT run no __gc on
-- tables: a userdata from newproxy there).
function C.finalizer(fn)
	if newproxy then
		local u = newproxy(true)
		getmetatable(u).__gc = function() fn() end
		return u
	end
	return setmetatable({}, { __gc = fn })
end

-- The incremental collector with the given pause and step multiplier,
-- or its defaults (200, 200 on 5.1-5.3; 200, 100 and steps of 2^13 bytes
-- on 5.4).
function C.gc_incremental(pause, stepmul)
	if _VERSION == "Lua 5.4" then
		-- (0 would mean "unchanged": the defaults are given by value)
		collectgarbage("incremental", pause or 200, stepmul or 100, 13)
	else  -- 5.1 to 5.3, LuaJIT: the incremental collector is the default
		collectgarbage("setpause", pause or 200)
		collectgarbage("setstepmul", stepmul or 200)
	end
end

-- Prints why a test of 64-bit integers does not run here; true where it does.
function C.skip_unless_wideint(what)
	if C.wideint then return true end
	print(string.format("skip (%s): %s needs 64-bit integers; the 2^53 rule is tested instead", C.name, what))
	return false
end

return C
