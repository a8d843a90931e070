/*
 * mio_lua_compat.h - the Lua 5.3/5.4 C API that mio_lua.i uses, for Lua
 * 5.1, 5.2 and LuaJIT 2.1: the one place where the Lua versions differ
 * (in the manner of cqueues' ext/compat52.h and lua-compat-5.3).  The
 * rest of bindings/lua is written against the 5.4 API and never tests
 * LUA_VERSION_NUM.
 *
 * Included after SWIG's runtime, which includes lua.h and lauxlib.h and
 * #defines its own lua_absindex, lua_rawgetp, lua_rawsetp and lua_rawlen
 * for old versions (statement macros that do not adjust relative
 * indices): those are replaced here by functions with the 5.2+ behaviour.
 *
 * LuaJIT has the 5.1 C ABI and loads C modules from lua/5.1, so the 5.1
 * build is also LuaJIT's.  For LUA_VERSION_NUM 501 every function below is
 * ours, written on the 5.1 core API, also where LuaJIT's headers declare
 * an extension of the same name (lua_tointegerx, luaL_testudata,
 * luaL_setfuncs): the one mio.so, whichever headers built it, loads in
 * lua5.1 and in luajit.
 *
 * Numbers.  Lua 5.3 and 5.4 have 64-bit integers beside doubles.  On 5.1,
 * 5.2 and LuaJIT every number is a double, which holds an integer exactly
 * only up to 2^53.  There, for this module:
 *  - an integer argument (fd, token, size, count, flags) must be a number
 *    (or a numeric string, as lua_tointegerx takes on 5.3) whose value is
 *    an exact integer of magnitude at most 2^53 - 1 and fits lua_Integer;
 *    anything else (1.5, 2^53, 2^63, NaN, inf) is refused like a
 *    non-number is, by the typemap's argument error.  2^53 itself is
 *    refused because a script's 2^53 + 1 arrives as 2^53: an integer that
 *    may have been rounded is never used silently.  A token is so an
 *    integer in [-(2^53 - 1), 2^53 - 1]; a negative one is the top of the
 *    unsigned range as on 5.3 (-1 is 2^64 - 1) and comes back as it went
 *    in.
 *  - integers pushed back (tokens, fds, counts, flags) are exact: each is
 *    one a script passed in or a small count.
 *  - lua_isinteger is "a number with such an exact integer value" (5.3:
 *    the integer subtype; 7.0 is a float there, but lua_tointegerx takes
 *    it, and the typemaps use lua_tointegerx).
 * Strings: lua_rawlen of 5.1 is lua_objlen.  Userdata: one user value at
 * most (lua_newuserdatauv with nuv 0 or 1).  Lengths: luaL_len on 5.1 is
 * the raw length (5.1 has no __len for tables).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_LUA_COMPAT_H
#define MIO_LUA_COMPAT_H

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#if LUA_VERSION_NUM < 502
#define LUA_OK 0

#undef lua_absindex
#define lua_absindex mio_compat_absindex
static inline int mio_compat_absindex(lua_State *L, int i)
{
	return i > 0 || i <= LUA_REGISTRYINDEX ? i : lua_gettop(L) + i + 1;
}

#undef lua_rawlen
#define lua_rawlen(L, i) lua_objlen(L, (i))
#define luaL_len(L, i) ((lua_Integer)lua_objlen(L, (i)))

#undef lua_rawsetp
#define lua_rawsetp mio_compat_rawsetp
static inline void mio_compat_rawsetp(lua_State *L, int i, const void *p)
{
	i = mio_compat_absindex(L, i);
	lua_pushlightuserdata(L, (void *)p);
	lua_insert(L, -2);
	lua_rawset(L, i);
}

static inline int mio_compat_rawgetp(lua_State *L, int i, const void *p)
{
	i = mio_compat_absindex(L, i);
	lua_pushlightuserdata(L, (void *)p);
	(lua_rawget)(L, i);
	return lua_type(L, -1);
}

#undef luaL_setfuncs
#define luaL_setfuncs mio_compat_setfuncs
static inline void mio_compat_setfuncs(lua_State *L, const luaL_Reg *l, int nup)
{
	luaL_checkstack(L, nup + 1, "too many upvalues");
	for (; l->name != NULL; l++) {
		for (int i = 0; i < nup; i++)
			lua_pushvalue(L, -nup);
		lua_pushcclosure(L, l->func, nup);
		lua_setfield(L, -(nup + 2), l->name);
	}
	lua_pop(L, nup);
}

#undef luaL_testudata
#define luaL_testudata mio_compat_testudata
static inline void *mio_compat_testudata(lua_State *L, int ud, const char *tname)
{
	void *p = lua_touserdata(L, ud);
	if (p == NULL || !lua_getmetatable(L, ud))
		return NULL;
	(lua_getfield)(L, LUA_REGISTRYINDEX, tname);
	if (!lua_rawequal(L, -1, -2))
		p = NULL;
	lua_pop(L, 2);
	return p;
}
#elif LUA_VERSION_NUM == 502
static inline int mio_compat_rawgetp(lua_State *L, int i, const void *p)
{
	(lua_rawgetp)(L, i, p);
	return lua_type(L, -1);
}
#endif /* < 502, 502 */

#if LUA_VERSION_NUM < 503
/* ---- integers: see "Numbers" above ---------------------------------- */
_Static_assert(sizeof(lua_Integer) == sizeof(ptrdiff_t), "lua_Integer is ptrdiff_t");
#define LUA_MAXINTEGER PTRDIFF_MAX
#define LUA_MININTEGER PTRDIFF_MIN
#undef lua_Unsigned
#define lua_Unsigned mio_compat_Unsigned  /* 5.2's is 32-bit */
typedef size_t mio_compat_Unsigned;
#define LUAI_UACINT long long  /* what %I reads */
#define MIO_COMPAT_EXACT_MAX 9007199254740991.0  /* 2^53 - 1 */

#undef lua_tointegerx
#define lua_tointegerx mio_compat_tointegerx
static inline lua_Integer mio_compat_tointegerx(lua_State *L, int i, int *isnum)
{
	lua_Integer v = 0;
	int ok = 0;
	if (lua_isnumber(L, i)) {
		lua_Number n = lua_tonumber(L, i);
		if (n >= -MIO_COMPAT_EXACT_MAX && n <= MIO_COMPAT_EXACT_MAX) {
			long long ll = (long long)n;
			if ((lua_Number)ll == n && ll >= LUA_MININTEGER && ll <= LUA_MAXINTEGER) {
				v = (lua_Integer)ll;
				ok = 1;
			}
		}
	}
	if (isnum != NULL)
		*isnum = ok;
	return v;
}
#undef lua_tointeger
#define lua_tointeger(L, i) mio_compat_tointegerx(L, (i), NULL)

#define lua_isinteger mio_compat_isinteger
static inline int mio_compat_isinteger(lua_State *L, int i)
{
	int ok = 0;
	if (lua_type(L, i) == LUA_TNUMBER)
		(void)mio_compat_tointegerx(L, i, &ok);
	return ok;
}

/* ---- the getters return the value's type ----------------------------- */
static inline int mio_compat_rawget(lua_State *L, int i)
{
	(lua_rawget)(L, i);
	return lua_type(L, -1);
}
static inline int mio_compat_rawgeti(lua_State *L, int i, lua_Integer n)
{
	if (n >= INT_MIN && n <= INT_MAX) {
		(lua_rawgeti)(L, i, (int)n);
	} else {
		i = lua_absindex(L, i);
		lua_pushinteger(L, n);
		(lua_rawget)(L, i);
	}
	return lua_type(L, -1);
}
static inline int mio_compat_getfield(lua_State *L, int i, const char *k)
{
	(lua_getfield)(L, i, k);
	return lua_type(L, -1);
}
static inline int mio_compat_geti(lua_State *L, int i, lua_Integer n)
{
	i = lua_absindex(L, i);
	lua_pushinteger(L, n);
	lua_gettable(L, i);
	return lua_type(L, -1);
}
#undef lua_rawget
#define lua_rawget mio_compat_rawget
#undef lua_rawgeti
#define lua_rawgeti mio_compat_rawgeti
#undef lua_getfield
#define lua_getfield mio_compat_getfield
#define lua_geti mio_compat_geti

/* ---- lua_pushfstring with 5.3's %I (a LUAI_UACINT) ------------------- */
static inline const char *mio_compat_pushfstring(lua_State *L, const char *fmt, ...)
{
	luaL_Buffer b;
	va_list ap;
	const char *p;
	luaL_buffinit(L, &b);
	va_start(ap, fmt);
	while ((p = strchr(fmt, '%')) != NULL) {
		luaL_addlstring(&b, fmt, (size_t)(p - fmt));
		switch (p[1]) {
		case 'I': {
			char num[32];
			snprintf(num, sizeof(num), "%lld", (long long)va_arg(ap, LUAI_UACINT));
			luaL_addstring(&b, num);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			luaL_addstring(&b, s != NULL ? s : "(null)");
			break;
		}
		case 'c':
			luaL_addchar(&b, (char)va_arg(ap, int));
			break;
		case 'd':
			(lua_pushfstring)(L, "%d", va_arg(ap, int));
			luaL_addvalue(&b);
			break;
		case 'f':
			(lua_pushfstring)(L, "%f", va_arg(ap, double));
			luaL_addvalue(&b);
			break;
		case 'p':
			(lua_pushfstring)(L, "%p", va_arg(ap, void *));
			luaL_addvalue(&b);
			break;
		case '%':
			luaL_addchar(&b, '%');
			break;
		case '\0':
			luaL_addchar(&b, '%');
			p--;  /* a lone '%' at the end */
			break;
		default:
			luaL_addlstring(&b, p, 2);
			break;
		}
		fmt = p + 2;
	}
	va_end(ap);
	luaL_addstring(&b, fmt);
	luaL_pushresult(&b);
	return lua_tostring(L, -1);
}
#define lua_pushfstring mio_compat_pushfstring

#undef lua_rawgetp
#define lua_rawgetp mio_compat_rawgetp
#endif /* < 503 */

/* ---- bytes that a finalizer may overwrite ----------------------------- */
/* mio_compat_pushvolatile(L, p, n): lua_pushlstring of bytes that script
 * code may overwrite, the per-thread scratch buffer of a read, which a
 * finalizer reading another socket reuses (mio_binding.h's scratch rule:
 * the bytes must be in a Lua string before any script code runs).  5.3
 * and 5.4 copy the bytes into the new string before their collector can
 * run; 5.1, 5.2 and LuaJIT run a collector step first (lua_pushlstring is
 * luaC_checkGC/lj_gc_check, then the copy), and that step can run
 * finalizers: there the bytes are copied onto the C stack first.  n is
 * at most MIO_COMPAT_VOLATILE_MAX (the scratch buffer's size). */
#define MIO_COMPAT_VOLATILE_MAX 65536
#if LUA_VERSION_NUM < 503
static inline void mio_compat_pushvolatile(lua_State *L, const char *p, size_t n)
{
	if (n == 0 || n > MIO_COMPAT_VOLATILE_MAX) {
		if (n != 0)
			luaL_error(L, "mio: %d bytes of volatile memory", (int)(n > INT_MAX ? INT_MAX : n));
		lua_pushlstring(L, "", 0);
		return;
	}
	char copy[n];
	memcpy(copy, p, n);
	lua_pushlstring(L, copy, n);
}
#else
static inline void mio_compat_pushvolatile(lua_State *L, const char *p, size_t n)
{
	lua_pushlstring(L, p, n);
}
#endif

#if LUA_VERSION_NUM < 504
#define lua_newuserdatauv(L, size, nuv) ((void)(nuv), lua_newuserdata(L, (size)))
#endif

#endif /* MIO_LUA_COMPAT_H */
