/*
 * mio_lua.i - Lua conversions for bindings/mio.i, for Lua 5.1 to 5.4 and
 * LuaJIT.  Written against the Lua 5.4 C API; mio_lua_compat.h gives the
 * older versions that API (and says what numbers are where every number
 * is a double): nothing here tests LUA_VERSION_NUM.
 *
 * Addresses are "127.0.0.1:8080" / "[::1]:80" strings (mio_addr_parse and
 * mio_addr_format) and path strings for Unix sockets (a leading "\0" for
 * abstract names, "" for an unnamed socket).  Data is Lua strings.
 * Integers stay integers: tokens, fds, counts and flags use
 * lua_tointegerx/lua_pushinteger, not SWIG's lua_Number defaults, so 7 is
 * not 7.0 and a 64-bit token (2^63 + 5 is math.mininteger + 5) survives
 * on 5.3 and 5.4 (on 5.1, 5.2 and LuaJIT: |token| < 2^53, exact).
 * Failure returns nil, message, errno, like luaposix, and only for a
 * failure of the C library: an argument the binding cannot convert (a
 * wrong type, an integer out of range, an address or path it cannot
 * parse, a string with a NUL, a time that is NaN, negative or too large)
 * raises an error, as luaL_argerror does, so pcall tells the two apart.
 * TcpSocket:listen() and :connect() consume the socket in both cases.
 *
 * THE RE-ENTRANCY RULE (the mirror of the scratch-buffer rule in
 * common/mio_binding.h).  Script code can run in the middle of a
 * conversion: a metamethod (__index, __len, a fileno() method) and, at
 * any allocation, the collector and so a __gc.  It may close objects,
 * mutate a table passed in, or answer differently each time.  So:
 *  - each argument is read ONCE, and raw where Lua allows (lua_rawlen,
 *    lua_rawgeti: a table's metatable is never consulted), into memory
 *    the binding owns (a C scalar, a sockaddr, an iovec array in a
 *    userdata on the stack) before anything that can run script code;
 *  - a pointer into a Lua value is only kept while the value is anchored
 *    on this call's stack (the argument itself, or a string pushed there
 *    by the typemap), never on the word of a table a script can change;
 *  - an object argument's pointer (self, events, registry) is read in a
 *    "check" typemap, after every argument is converted, and the body
 *    checks the handle after that: an object a conversion closed (or
 *    whose finalizer the debug library ran) is EBADF, never freed memory.
 * test_reentrancy.lua has a hostile value for every typemap.
 *
 * SPDX-License-Identifier: MIT
 */

%{
#include "mio_lua_compat.h"

#define MIO_B_RAISE(e) return mio_b_lua_fail(L, (e))
#define MIO_B_BLOCKING_BEGIN
#define MIO_B_BLOCKING_END
/* Lua has no signal handlers of its own: a wait interrupted by a signal
 * returns nil, msg, EINTR (the C handler that caused it has run). */
#define MIO_B_EINTR_RETRY 0
/* The Lua interpreter keeps SIGPIPE's default action (death), and a pure
 * Lua script cannot change it: every pipe write blocks SIGPIPE around
 * itself and a closed reader is nil, msg, EPIPE. */
#define MIO_B_PIPE_WRITE(rc, STMT)                                          \
	do {                                                                \
		mio_b_sigpipe g_;                                           \
		mio_bind_sigpipe_block(&g_);                                \
		STMT;                                                       \
		mio_bind_sigpipe_unblock(&g_, (rc));                        \
	} while (0)
/* Lua has no __init to call twice. */
#define MIO_B_CTOR_GUARD
/* The struct of a consuming method's self (stack index 1), if it is one
 * of SWIG type ty (mio.i, TcpSocket). */
#define MIO_B_CONSUME_SELF(ty) mio_b_lua_selfptr(L, (ty))

/* An argument error (raised: see the top of this file), with the
 * message of a mio_b_seconds() or conversion failure. */
#define MIO_B_LUA_ARGERR(symname, argnum, what)                             \
	do {                                                                \
		lua_pushfstring(L, "Error in %s (arg %d), %s", (symname), (argnum), (what)); \
		SWIG_fail;                                                  \
	} while (0)

static int mio_b_lua_fail(lua_State *L, int e)
{
	lua_pushnil(L);
	lua_pushstring(L, strerror(e));
	lua_pushinteger(L, e);
	return 3;
}

/* An integer, or a float with an exact integer value. */
static int mio_b_lua_isint(lua_State *L, int idx)
{
	int ok = 0;
	if (lua_type(L, idx) == LUA_TNUMBER)
		(void)lua_tointegerx(L, idx, &ok);
	return ok;
}

static void mio_b_lua_pushaddr(lua_State *L, const mio_b_addr *a)
{
	if (a->ss.ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)&a->ss;
		size_t off = offsetof(struct sockaddr_un, sun_path);
		size_t n = a->len > off ? a->len - off : 0;
		if (n > sizeof(un->sun_path))
			n = sizeof(un->sun_path);
		if (n > 0 && un->sun_path[0] != '\0')
			n = strnlen(un->sun_path, n);
		lua_pushlstring(L, un->sun_path, n);
		return;
	}
	char buf[INET6_ADDRSTRLEN + 32];
	if (mio_addr_format((const struct sockaddr *)&a->ss, a->len, buf, sizeof(buf)) < 0)
		lua_pushnil(L);
	else
		lua_pushstring(L, buf);
}

static int mio_b_lua_pushbytes_p(lua_State *L)
{
	const mio_b_bytes *b = lua_touserdata(L, 1);
	lua_pushlstring(L, b->p ? b->p : "", b->n);
	return 1;
}

/* The string, and the buffer freed in every case.  A read up to
 * MIO_B_SCRATCH bytes is in the scratch buffer, which a finalizer run
 * while the string is made may reuse: mio_compat_pushvolatile.  A read
 * over MIO_B_SCRATCH bytes has a heap buffer, and lua_pushlstring's memory
 * error (a longjmp) would skip the free, so it runs protected. */
_Static_assert(MIO_B_SCRATCH <= MIO_COMPAT_VOLATILE_MAX, "scratch reads fit mio_compat_pushvolatile");
static void mio_b_lua_pushbytes(lua_State *L, mio_b_bytes *b)
{
	if (!b->heap) {
		mio_compat_pushvolatile(L, b->p ? b->p : "", b->n);
		return;
	}
	lua_pushcfunction(L, mio_b_lua_pushbytes_p);
	lua_pushlightuserdata(L, b);
	int rc = lua_pcall(L, 1, 1, 0);
	mio_b_bytes_free(b);
	if (rc != LUA_OK)
		lua_error(L);  /* the same error, now with nothing to free */
}

/* The iterator events:iter() returns.  Upvalues: the Events userdata (so
 * the buffer outlives the loop; read through it at each step, so a
 * destroyed Events ends the loop instead of being read), the Event type,
 * the next index. */
static int mio_b_lua_events_next(lua_State *L)
{
	swig_lua_userdata *usr = lua_touserdata(L, lua_upvalueindex(1));
	swig_type_info *type = lua_touserdata(L, lua_upvalueindex(2));
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
	mio_b_events *evs = usr ? usr->ptr : NULL;
	const mio_event *e = evs ? mio_events_get(evs->h, (size_t)i) : NULL;
	if (e == NULL)
		return 0;
	mio_b_event *copy = mio_bind_event_new(e);
	if (copy == NULL)
		return luaL_error(L, "out of memory");
	lua_pushinteger(L, i + 1);
	lua_replace(L, lua_upvalueindex(3));
	SWIG_NewPointerObj(L, copy, type, 1);
	return 1;
}

/* The buffers of a readv: a userdata holding the iovecs and owning the
 * malloc'd data area, freed by its __gc (the metatable lives in the
 * registry; __metatable hides it). */
typedef struct mio_b_lua_box {
	char        *p;
	struct iovec iov[];
} mio_b_lua_box;

static int mio_b_lua_box_gc(lua_State *L)
{
	mio_b_lua_box *box = luaL_checkudata(L, 1, "mio.readv");
	free(box->p);
	box->p = NULL;
	return 0;
}

static mio_b_lua_box *mio_b_lua_box_new(lua_State *L, size_t niov)
{
	mio_b_lua_box *box = lua_newuserdatauv(L, sizeof(*box) + niov * sizeof(struct iovec), 0);
	box->p = NULL;
	if (luaL_newmetatable(L, "mio.readv")) {
		lua_pushcfunction(L, mio_b_lua_box_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
	}
	lua_setmetatable(L, -2);
	return box;
}

/* __gc of every class (upvalue: the class metatable, so that only our
 * userdata are touched): runs the destructor once and forgets the pointer,
 * so a finalizer called by hand (debug.getmetatable(o).__gc(o)) and the
 * collector's own call cannot free twice, and methods then see EBADF. */
static int mio_b_lua_gc(lua_State *L)
{
	swig_lua_userdata *usr = lua_touserdata(L, 1);
	if (usr == NULL || !lua_getmetatable(L, 1))
		return 0;
	int ours = lua_rawequal(L, -1, lua_upvalueindex(1));
	lua_pop(L, 1);
	if (!ours)
		return 0;
	void *ptr = usr->ptr;
	int own = usr->own;
	usr->ptr = NULL;
	usr->own = 0;
	if (own && ptr != NULL) {
		swig_lua_class *clss = usr->type ? usr->type->clientdata : NULL;
		if (clss != NULL && clss->destructor != NULL)
			clss->destructor(ptr);
	}
	return 0;
}

/* t.__metatable = false, raw (t is a metatable). */
static void mio_b_lua_lock(lua_State *L, int t)
{
	t = lua_absindex(L, t);
	lua_pushstring(L, "__metatable");
	lua_pushboolean(L, 0);
	lua_rawset(L, t);
}

/* The __call of a class table: SWIG's own proxy keeps one result, so a
 * failed constructor gave a bare nil instead of nil, message, errno.
 * Upvalue: the real constructor wrapper. */
static int mio_b_lua_call_ctor(lua_State *L)
{
	lua_CFunction ctor = lua_tocfunction(L, lua_upvalueindex(1));
	lua_remove(L, 1);  /* the class table */
	return ctor(L);
}

/* Sets module[name]'s __call to ctor with all its results. */
static void mio_b_lua_ctor(lua_State *L, int module, const char *name, lua_CFunction ctor)
{
	lua_pushstring(L, name);
	lua_rawget(L, module);
	if (!lua_istable(L, -1) || !lua_getmetatable(L, -1))
		luaL_error(L, "mio: no class table %s", name);
	lua_pushstring(L, "__call");
	lua_pushcfunction(L, ctor);
	lua_pushcclosure(L, mio_b_lua_call_ctor, 1);
	lua_rawset(L, -3);
	lua_pop(L, 2);
}

/* Every class with a constructor must have had mio_b_lua_ctor: a class
 * table whose __call is still SWIG's proxy fails the module load, so a
 * new constructor cannot silently lose its error values. */
static void mio_b_lua_check_ctors(lua_State *L, int module)
{
	for (int i = 0; swig_types[i] != NULL; i++) {
		swig_lua_class *clss = swig_types[i]->clientdata;
		if (clss == NULL || clss->constructor == NULL)
			continue;
		lua_pushstring(L, clss->cls_static->name);
		lua_rawget(L, module);
		int ok = 0;
		if (lua_istable(L, -1) && lua_getmetatable(L, -1)) {
			lua_pushstring(L, "__call");
			lua_rawget(L, -2);
			ok = lua_tocfunction(L, -1) == mio_b_lua_call_ctor;
			lua_pop(L, 2);
		}
		lua_pop(L, 1);
		if (!ok)
			luaL_error(L, "mio: constructor of %s not wrapped (mio_lua.i %%init)",
				   clss->cls_static->name);
	}
}

/* The key, in each instance metatable, of the swig_type_info it is for:
 * an object argument is accepted only if its metatable says it is of the
 * expected class.  SWIG's own check reads the type out of any full
 * userdata, so a foreign one (io.stdout) made it read a FILE * as a
 * swig_type_info and crash. */
static const char mio_b_lua_typekey;
/* The same swig_type_info again under an integer key, for the check on
 * every object argument (mio_b_lua_object): a pointer key is looked up
 * by its address, hashed, then a walk along the metatable's chain (about
 * 100 instructions, more or fewer as the linker moves the key: a
 * rebuild moved lua-token-w1 by 1.4%); an integer is not hashed by
 * address.  Only a comparison with the expected type reads this slot, so
 * a foreign metatable with something at [1] is just not ours; the error
 * paths, which dereference what they find, keep the private key. */
#define MIO_B_LUA_TYPESLOT 1

/* The object at idx if it is a live-or-dead instance of class ty: 1 with
 * *ptr its pointer (NULL once destroyed; ptr NULL: not wanted), 0 if it
 * is anything else. */
static int mio_b_lua_object(lua_State *L, int idx, swig_type_info *ty, void **ptr)
{
	if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx))
		return 0;
	int ok = lua_rawgeti(L, -1, MIO_B_LUA_TYPESLOT) == LUA_TLIGHTUSERDATA &&
		 lua_touserdata(L, -1) == (void *)ty;
	lua_pop(L, 2);
	if (ok && ptr != NULL)
		*ptr = ((swig_lua_userdata *)lua_touserdata(L, idx))->ptr;
	return ok;
}

/* The type name an argument error shows for the value at idx.  SWIG's
 * (SWIG_Lua_typename) read any userdata as one of its own: a foreign one
 * passed where an object goes (io.stderr, a newproxy() of Lua 5.1) had
 * its bytes read as a type record and its "name" printed, or crashed the
 * interpreter.  Ours are known by their metatable (mio_b_lua_object). */
static const char *mio_b_lua_typename(lua_State *L, int idx)
{
	const char *name = NULL;
	if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
		if (lua_rawgetp(L, -1, &mio_b_lua_typekey) == LUA_TLIGHTUSERDATA)
			name = ((swig_type_info *)lua_touserdata(L, -1))->str;
		lua_pop(L, 2);
	}
	return name != NULL ? name : luaL_typename(L, idx);
}
#undef SWIG_fail_arg
#define SWIG_fail_arg(func_name, argnum, type)                              \
	{                                                                   \
		SWIG_Lua_pushferrstring(L, "Error in %s (arg %d), expected '%s' got '%s'", \
					func_name, argnum, type, mio_b_lua_typename(L, argnum)); \
		goto fail;                                                  \
	}

static void *mio_b_lua_selfptr(lua_State *L, swig_type_info *ty)
{
	void *p = NULL;
	if (lua_gettop(L) >= 1 && mio_b_lua_object(L, 1, ty, &p))
		return p;
	return NULL;
}

/* __tostring of every class (upvalue: its swig_type_info): the text
 * Python's repr() shows (mio.i's mio_b_repr). */
static int mio_b_lua_tostring(lua_State *L)
{
	swig_type_info *ty = lua_touserdata(L, lua_upvalueindex(1));
	void *p = NULL;
	char buf[MIO_B_REPR_MAX];
	if (!mio_b_lua_object(L, 1, ty, &p))
		return luaL_error(L, "mio: tostring of a foreign value");
	mio_b_repr(ty, p, buf);
	lua_pushstring(L, buf);
	return 1;
}

/* __eq of every class.  SWIG's compared the pointer word of any two full
 * userdata, so `obj == io.stderr` (Lua 5.3, 5.4: one operand's __eq is
 * enough) read past the end of the file's userdata, and two destroyed
 * objects (pointer NULL) were equal.  Lua calls __eq only for two values
 * that are not the same object, and no two of our userdata share a live
 * struct: different objects are never equal (Python's identity). */
static int mio_b_lua_eq(lua_State *L)
{
	lua_pushboolean(L, 0);
	return 1;
}

/* __newindex of the classes with methods only (mio_b_lua_fast_index):
 * no field can be set.  SWIG's read the object as its own userdata and
 * searched setters and bases for every assignment, to the same end. */
static int mio_b_lua_newindex(lua_State *L)
{
	const char *name = "object";
	if (lua_getmetatable(L, 1)) {
		if (lua_rawgetp(L, -1, &mio_b_lua_typekey) == LUA_TLIGHTUSERDATA) {
			swig_type_info *ty = lua_touserdata(L, -1);
			if (ty->clientdata != NULL)
				name = ((swig_lua_class *)ty->clientdata)->name;
		}
		lua_pop(L, 2);
	}
	return luaL_error(L, "a mio.%s has no field to assign", name);
}

/* __len: Lua passes the operand twice; the len() wrapper takes one. */
static int mio_b_lua_len(lua_State *L)
{
	lua_settop(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 1, 1);
	return 1;
}

/* Each instance metatable: its class's type under mio_b_lua_typekey, and
 * its method table as a plain __index.  SWIG's __index is a C function
 * that looks in the getter table, the method table and the bases by
 * name on every call, most of what a method call cost (issue 13); these
 * classes have methods only, so the VM can find them in one table.  A
 * class that ever gets attributes or bases keeps SWIG's __index. */
static void mio_b_lua_fast_index(lua_State *L)
{
	for (int i = 0; swig_types[i] != NULL; i++) {
		swig_lua_class *clss = swig_types[i]->clientdata;
		if (clss == NULL)
			continue;
		SWIG_Lua_get_class_metatable(L, clss->fqname);
		if (!lua_istable(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		lua_pushlightuserdata(L, swig_types[i]);
		lua_rawsetp(L, -2, &mio_b_lua_typekey);
		lua_pushlightuserdata(L, swig_types[i]);
		lua_rawseti(L, -2, MIO_B_LUA_TYPESLOT);
		int plain = (clss->attributes == NULL || clss->attributes[0].name == NULL) &&
			    (clss->bases == NULL || clss->bases[0] == NULL);
		lua_pushstring(L, ".fn");
		lua_rawget(L, -2);
		if (plain && lua_istable(L, -1)) {
			/* #obj is obj:len() where there is one (Events). */
			lua_pushstring(L, "len");
			if (lua_rawget(L, -2) == LUA_TFUNCTION) {
				lua_pushcclosure(L, mio_b_lua_len, 1);
				lua_pushstring(L, "__len");
				lua_insert(L, -2);
				lua_rawset(L, -4);
			} else {
				lua_pop(L, 1);
			}
			lua_pushstring(L, "__index");
			lua_insert(L, -2);
			lua_rawset(L, -3);
			lua_pushstring(L, "__newindex");
			lua_pushcfunction(L, mio_b_lua_newindex);
			lua_rawset(L, -3);
		} else {
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
}

/* Scripts cannot reach the metatables (getmetatable returns false), so
 * they cannot call finalizers or replace methods: the instance
 * metatables, the class tables' metatables (which link to the instance
 * ones) and the module's.  `module` is the module table's index. */
static void mio_b_lua_protect(lua_State *L, int module)
{
	for (int i = 0; swig_types[i] != NULL; i++) {
		swig_lua_class *clss = swig_types[i]->clientdata;
		if (clss == NULL)
			continue;
		SWIG_Lua_get_class_metatable(L, clss->fqname);
		if (lua_istable(L, -1)) {
			lua_pushstring(L, "__gc");
			lua_pushvalue(L, -2);
			lua_pushcclosure(L, mio_b_lua_gc, 1);
			lua_rawset(L, -3);
			lua_pushstring(L, "__tostring");
			lua_pushlightuserdata(L, swig_types[i]);
			lua_pushcclosure(L, mio_b_lua_tostring, 1);
			lua_rawset(L, -3);
			lua_pushstring(L, "__eq");
			lua_pushcfunction(L, mio_b_lua_eq);
			lua_rawset(L, -3);
			/* SWIG's __disown would let a script leak the struct. */
			lua_pushstring(L, ".fn");
			lua_rawget(L, -2);
			if (lua_istable(L, -1)) {
				lua_pushstring(L, "__disown");
				lua_pushnil(L);
				lua_rawset(L, -3);
			}
			lua_pop(L, 1);
			mio_b_lua_lock(L, -1);
		}
		lua_pop(L, 1);
		lua_pushstring(L, clss->cls_static->name);
		lua_rawget(L, module);
		if (lua_istable(L, -1) && lua_getmetatable(L, -1)) {
			mio_b_lua_lock(L, -1);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	if (lua_getmetatable(L, module)) {
		mio_b_lua_lock(L, -1);
		lua_pop(L, 1);
	}
}
%}

/* The errno values a script compares the third result of a failure with
 * (mio.EAGAIN rather than 11); Python has its errno module. */
%define MIO_B_LUA_ERRNO(name)
%constant int name = name;
%enddef
MIO_B_LUA_ERRNO(EAGAIN)
MIO_B_LUA_ERRNO(EWOULDBLOCK)
MIO_B_LUA_ERRNO(EINTR)
MIO_B_LUA_ERRNO(EINPROGRESS)
MIO_B_LUA_ERRNO(EALREADY)
MIO_B_LUA_ERRNO(EBADF)
MIO_B_LUA_ERRNO(EBUSY)
MIO_B_LUA_ERRNO(EINVAL)
MIO_B_LUA_ERRNO(ENOENT)
MIO_B_LUA_ERRNO(EEXIST)
MIO_B_LUA_ERRNO(ENOMEM)
MIO_B_LUA_ERRNO(ENOBUFS)
MIO_B_LUA_ERRNO(EMFILE)
MIO_B_LUA_ERRNO(ENFILE)
MIO_B_LUA_ERRNO(EPIPE)
MIO_B_LUA_ERRNO(EPERM)
MIO_B_LUA_ERRNO(EACCES)
MIO_B_LUA_ERRNO(ENAMETOOLONG)
MIO_B_LUA_ERRNO(EOPNOTSUPP)
MIO_B_LUA_ERRNO(EAFNOSUPPORT)
MIO_B_LUA_ERRNO(EADDRINUSE)
MIO_B_LUA_ERRNO(EADDRNOTAVAIL)
MIO_B_LUA_ERRNO(ENETUNREACH)
MIO_B_LUA_ERRNO(EHOSTUNREACH)
MIO_B_LUA_ERRNO(ECONNABORTED)
MIO_B_LUA_ERRNO(ECONNRESET)
MIO_B_LUA_ERRNO(ECONNREFUSED)
MIO_B_LUA_ERRNO(ENOTCONN)
MIO_B_LUA_ERRNO(EISCONN)
MIO_B_LUA_ERRNO(ETIMEDOUT)
MIO_B_LUA_ERRNO(EMSGSIZE)

%init %{
	mio_b_lua_ctor(L, lua_gettop(L), "Poll", _wrap_new_Poll);
	mio_b_lua_ctor(L, lua_gettop(L), "Events", _wrap_new_Events);
	mio_b_lua_ctor(L, lua_gettop(L), "Waker", _wrap_new_Waker);
	mio_b_lua_check_ctors(L, lua_gettop(L));
	mio_b_lua_fast_index(L);
	mio_b_lua_protect(L, lua_gettop(L));
%}

/* self and the object arguments: anything but an object of the class
 * (nil, a foreign userdata) is a type error, checked once, in "in": what
 * class a userdata is cannot change during the call (its metatable is
 * hidden; the debug library could forge any type before the call as well).
 * The pointer is read in "check", after every argument is converted (the
 * re-entrancy rule), from the userdata still on the stack, and NULL (the
 * finalizer ran: mio_b_lua_gc) is nil, msg, EBADF.  (Checking the class
 * again in "check" cost a third of a Lua round trip: bench/bindings.) */
%typemap(in) SWIGTYPE *self (int mio_b_idx = 0),
	mio_b_events *events (int mio_b_idx = 0), mio_b_registry *registry (int mio_b_idx = 0) {
	if (!mio_b_lua_object(L, $input, $descriptor, NULL))
		SWIG_fail_ptr("$symname", $argnum, $descriptor);
	mio_b_idx = $input;
}
%typemap(check) SWIGTYPE *self, mio_b_events *events, mio_b_registry *registry {
	$1 = ($1_ltype)((swig_lua_userdata *)lua_touserdata(L, mio_b_idx$argnum))->ptr;
	if ($1 == NULL)
		MIO_B_RAISE(EBADF);
}

/* ---- integers ----------------------------------------------------- */

/* Every integer parameter, whatever its C type, goes through one typemap
 * that checks the Lua integer fits the type: a bare cast made
 * from_fd(2^32 + fd) adopt fd and set_ttl(2^32 + 64) set 64.  The bounds
 * come from _Generic over the parameter's type with no default, so a C
 * integer type this list forgets does not compile. */
%{
#define MIO_B_INT_MIN(x) _Generic((x),                                      \
	signed char: (lua_Integer)SCHAR_MIN, short: (lua_Integer)SHRT_MIN,    \
	int: (lua_Integer)INT_MIN, long: (lua_Integer)LONG_MIN,               \
	long long: (lua_Integer)LLONG_MIN, char: (lua_Integer)CHAR_MIN,       \
	unsigned char: (lua_Integer)0, unsigned short: (lua_Integer)0,        \
	unsigned int: (lua_Integer)0, unsigned long: (lua_Integer)0,          \
	unsigned long long: (lua_Integer)0)
#define MIO_B_INT_MAX(x) _Generic((x),                                      \
	signed char: (lua_Unsigned)SCHAR_MAX, short: (lua_Unsigned)SHRT_MAX,  \
	int: (lua_Unsigned)INT_MAX, long: (lua_Unsigned)LONG_MAX,             \
	long long: (lua_Unsigned)LLONG_MAX, char: (lua_Unsigned)CHAR_MAX,     \
	unsigned char: (lua_Unsigned)UCHAR_MAX,                               \
	unsigned short: (lua_Unsigned)USHRT_MAX,                              \
	unsigned int: (lua_Unsigned)UINT_MAX,                                 \
	unsigned long: (lua_Unsigned)ULONG_MAX,                               \
	unsigned long long: (lua_Unsigned)ULLONG_MAX)

static int mio_b_lua_inrange(lua_Integer v, lua_Integer lo, lua_Unsigned hi)
{
	return v >= lo && (v < 0 || (lua_Unsigned)v <= hi);
}

/* An out-of-range integer is an argument error, as a non-integer is
 * (Python raises OverflowError the same way). */
#define MIO_B_LUA_INT_IN(v, x, symname, argnum)                             \
	do {                                                                \
		if (!mio_b_lua_inrange((v), MIO_B_INT_MIN(x), MIO_B_INT_MAX(x))) { \
			lua_pushfstring(L, "Error in %s (arg %d), integer %I out of range", \
					symname, argnum, (LUAI_UACINT)(v));         \
			SWIG_fail;                                          \
		}                                                           \
	} while (0)
%}

%typemap(in, checkfn="mio_b_lua_isint") signed char, unsigned char, short, unsigned short,
	int, unsigned int, long, unsigned long, long long, unsigned long long,
	size_t, ssize_t, socklen_t, int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t,
	int64_t, uint64_t, mio_interest {
	lua_Integer v = lua_tointeger(L, $input);
	MIO_B_LUA_INT_IN(v, $1, "$symname", $argnum);
	$1 = ($1_ltype)v;
}
%typemap(out) int, long, unsigned int, size_t, uint32_t
	"lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"

/* Tokens are pointer-sized and take the full unsigned range: on 64-bit,
 * 2^63 + 5 is math.mininteger + 5. */
%typemap(in, checkfn="mio_b_lua_isint") mio_token {
	lua_Unsigned u = (lua_Unsigned)lua_tointeger(L, $input);
	if (sizeof(mio_token) < sizeof(lua_Unsigned) && u > (lua_Unsigned)UINTPTR_MAX) {
		lua_pushfstring(L, "Error in %s (arg %d), token out of range", "$symname", $argnum);
		SWIG_fail;
	}
	$1 = (mio_token)u;
}
%typemap(out) mio_token "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"

%typemap(in) int SOURCE {
	if (mio_b_lua_isint(L, $input)) {
		lua_Integer v = lua_tointeger(L, $input);
		MIO_B_LUA_INT_IN(v, $1, "$symname", $argnum);
		$1 = (int)v;
	} else {
		int t = lua_type(L, $input);
		if (t != LUA_TUSERDATA && t != LUA_TTABLE)
			SWIG_fail_arg("$symname", $argnum, "fd or object with fileno()");
		lua_getfield(L, $input, "fileno");
		if (!lua_isfunction(L, -1))
			SWIG_fail_arg("$symname", $argnum, "fd or object with fileno()");
		lua_pushvalue(L, $input);
		lua_call(L, 1, 1);
		lua_Integer v = lua_tointeger(L, -1);
		if (!mio_b_lua_isint(L, -1) || !mio_b_lua_inrange(v, INT_MIN, INT_MAX)) {
			lua_pop(L, 1);
			MIO_B_RAISE(EBADF);  /* fileno() gave no fd */
		}
		$1 = (int)v;
		lua_pop(L, 1);
	}
}

/* Time: TIMEOUT is a wait (nil: no limit), DURATION an option (nil:
 * off); both seconds, through mio_b_seconds: NaN, negative and too large
 * (math.huge too) are argument errors, as Python raises. */
%{
static int mio_b_lua_seconds(lua_State *L, int idx, double max, struct timespec *ts,
			     const char *symname, int argnum)
{
	if (lua_type(L, idx) != LUA_TNUMBER) {
		lua_pushfstring(L, "Error in %s (arg %d), expected number of seconds or nil",
				symname, argnum);
		return -1;
	}
	int why = mio_b_seconds((double)lua_tonumber(L, idx), max, ts);
	if (why != MIO_B_SECS_OK) {
		lua_pushfstring(L, "Error in %s (arg %d), %s", symname, argnum,
				mio_b_seconds_error(why, max));
		return -1;
	}
	return 0;
}
%}
%typemap(default) const struct timespec *TIMEOUT, const struct timespec *DURATION "$1 = NULL;"
%define MIO_B_LUA_SECONDS_IN(NAME, MAX)
%typemap(in) const struct timespec *NAME (struct timespec ts) {
	if (lua_isnoneornil(L, $input)) {
		$1 = NULL;
	} else {
		if (mio_b_lua_seconds(L, $input, MAX, &ts, "$symname", $argnum) < 0)
			SWIG_fail;
		$1 = &ts;
	}
}
%enddef
MIO_B_LUA_SECONDS_IN(TIMEOUT, MIO_B_WAIT_MAX)
MIO_B_LUA_SECONDS_IN(DURATION, MIO_B_DURATION_MAX)

/* ---- addresses and data ------------------------------------------- */

%typemap(in, checkfn="lua_isstring") (const struct sockaddr *ADDR, socklen_t ADDRLEN)
	(struct sockaddr_storage ss, socklen_t sslen) {
	size_t n;
	const char *text = lua_tolstring(L, $input, &n);
	if (strlen(text) != n)  /* C would stop at the NUL */
		MIO_B_LUA_ARGERR("$symname", $argnum, "address with an embedded NUL");
	if (mio_addr_parse(text, &ss, &sslen) < 0)
		MIO_B_LUA_ARGERR("$symname", $argnum, "expected an address \"ip:port\" or \"[ipv6]:port\"");
	$1 = (struct sockaddr *)&ss;
	$2 = sslen;
}

/* Text arguments (multicast groups, addr_parse): a string without NUL
 * (C would stop at it: an argument error), or nil for NULL. */
%typemap(in, checkfn="SWIG_lua_isnilstring") const char * {
	if (lua_isnil(L, $input)) {
		$1 = NULL;
	} else {
		size_t n;
		$1 = ($1_ltype)lua_tolstring(L, $input, &n);
		if (strlen($1) != n)
			MIO_B_LUA_ARGERR("$symname", $argnum, "string with an embedded NUL");
	}
}

/* A Unix path: a NUL inside a path is an argument error; one too long
 * for sun_path is what C says, nil, msg, ENAMETOOLONG (Python: OSError). */
%typemap(in, checkfn="lua_isstring") (const struct sockaddr_un *UNADDR, socklen_t UNLEN)
	(struct sockaddr_un un, socklen_t unlen) {
	size_t n;
	const char *s = lua_tolstring(L, $input, &n);
	int rc = mio_b_unaddr(s, n, &un, &unlen);
	if (rc == -EINVAL)
		MIO_B_LUA_ARGERR("$symname", $argnum, "path with an embedded NUL");
	if (rc < 0)
		MIO_B_RAISE(-rc);
	$1 = &un;
	$2 = unlen;
}

%typemap(in) (const char *DATA, size_t DATALEN) {
	if (lua_type(L, $input) != LUA_TSTRING)
		SWIG_fail_arg("$symname", $argnum, "string");
	size_t n;
	$1 = ($1_ltype)lua_tolstring(L, $input, &n);
	$2 = n;
}

/* writev({string, ...}): a table read raw (no __len, no __index), each
 * string pushed on this call's stack as it is read, before anything that
 * can allocate (and so run a finalizer that changes the table); the
 * strings stay alive there, and only then is the iovec array made, a
 * userdata on the stack too (the GC reclaims it: an error leaks nothing). */
%typemap(in) (const struct iovec *IOV, int IOVCNT) {
	if (lua_type(L, $input) != LUA_TTABLE)
		SWIG_fail_arg("$symname", $argnum, "table of strings");
	size_t n = lua_rawlen(L, $input);
	if (n > 1024) {
		lua_pushstring(L, "writev takes at most 1024 strings (IOV_MAX)");
		SWIG_fail;
	}
	if (!lua_checkstack(L, (int)n + 4)) {
		lua_pushstring(L, "writev: no stack for the strings");
		SWIG_fail;
	}
	int first = lua_gettop(L) + 1;
	for (size_t i = 0; i < n; i++) {
		if (lua_rawgeti(L, $input, (lua_Integer)i + 1) != LUA_TSTRING)
			SWIG_fail_arg("$symname", $argnum, "table of strings");
	}
	struct iovec *iov = lua_newuserdatauv(L, sizeof(*iov) * (n ? n : 1), 0);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		iov[i].iov_base = (void *)lua_tolstring(L, first + (int)i, &len);
		iov[i].iov_len = len;
	}
	$1 = iov;
	$2 = (int)n;
}

/* readv({size, ...}): the sizes read raw, once, into a C array before
 * anything allocates, then copied to the iovecs of a userdata
 * (mio_b_lua_box, on the stack) that owns the malloc'd data area; the
 * argout turns what was read into a table of strings. */
%typemap(in) (const struct iovec *WIOV, int WIOVCNT) (int iovidx = 0) {
	if (lua_type(L, $input) != LUA_TTABLE)
		SWIG_fail_arg("$symname", $argnum, "table of sizes");
	size_t n = lua_rawlen(L, $input);
	if (n > 1024) {
		lua_pushstring(L, "readv takes at most 1024 sizes (IOV_MAX)");
		SWIG_fail;
	}
	size_t sizes[1024];   /* read first: nothing here allocates */
	size_t total = 0;
	int toobig = 0;
	for (size_t i = 0; i < n; i++) {
		int ok = lua_rawgeti(L, $input, (lua_Integer)i + 1) == LUA_TNUMBER && mio_b_lua_isint(L, -1);
		lua_Integer sz = ok ? lua_tointeger(L, -1) : -1;
		lua_pop(L, 1);
		if (sz < 0 || (lua_Unsigned)sz > (1u << 30))
			SWIG_fail_arg("$symname", $argnum, "table of sizes (0 to 2^30)");
		sizes[i] = (size_t)sz;
		if ((size_t)sz > SIZE_MAX - total)
			toobig = 1;
		else
			total += (size_t)sz;
	}
	mio_b_lua_box *box = mio_b_lua_box_new(L, n ? n : 1);
	iovidx = lua_gettop(L);
	for (size_t i = 0; i < n; i++)
		box->iov[i].iov_len = sizes[i];
	/* The data area is malloc'd, not a Lua userdata: a huge total is
	 * nil, msg, ENOMEM like read(), not a Lua memory error. */
	box->p = toobig ? NULL : malloc(total ? total : 1);
	if (box->p == NULL)
		MIO_B_RAISE(ENOMEM);
	char *p = box->p;
	for (size_t i = 0; i < n; i++) {
		box->iov[i].iov_base = p;
		p += box->iov[i].iov_len;
	}
	$1 = box->iov;
	$2 = (int)n;
}
%typemap(argout) (const struct iovec *WIOV, int WIOVCNT) {
	size_t left = (size_t)result;
	lua_createtable(L, $2, 0);
	for (int i = 0; i < $2; i++) {
		size_t n = $1[i].iov_len < left ? $1[i].iov_len : left;
		lua_pushlstring(L, $1[i].iov_base, n);
		lua_rawseti(L, -2, i + 1);
		left -= n;
	}
	SWIG_arg++;
	(void)iovidx$argnum;
}

/* ---- results ------------------------------------------------------ */

%typemap(out) mio_b_ok "(void)$1; lua_pushboolean(L, 1); SWIG_arg++;"

%typemap(out) mio_b_addr "mio_b_lua_pushaddr(L, &$1); SWIG_arg++;"

%typemap(out) mio_b_bytes "mio_b_lua_pushbytes(L, &$1); SWIG_arg++;"

%typemap(out) mio_b_datafrom {
	mio_b_lua_pushbytes(L, &$1.data);
	mio_b_lua_pushaddr(L, &$1.addr);
	SWIG_arg += 2;
}

%typemap(out) mio_b_tcp_accept {
	SWIG_NewPointerObj(L, $1.stream, $descriptor(mio_b_tcp_stream *), 1);
	mio_b_lua_pushaddr(L, &$1.addr);
	SWIG_arg += 2;
}
%typemap(out) mio_b_unix_accept {
	SWIG_NewPointerObj(L, $1.stream, $descriptor(mio_b_unix_stream *), 1);
	mio_b_lua_pushaddr(L, &$1.addr);
	SWIG_arg += 2;
}

%define MIO_B_LUA_PAIR(PT, TA, TB)
%typemap(out) PT {
	SWIG_NewPointerObj(L, $1.a, $descriptor(TA *), 1);
	SWIG_NewPointerObj(L, $1.b, $descriptor(TB *), 1);
	SWIG_arg += 2;
}
%enddef
MIO_B_LUA_PAIR(mio_b_pair_pipe, mio_b_pipe_sender, mio_b_pipe_receiver)
MIO_B_LUA_PAIR(mio_b_pair_unix_stream, mio_b_unix_stream, mio_b_unix_stream)
MIO_B_LUA_PAIR(mio_b_pair_unix_datagram, mio_b_unix_datagram, mio_b_unix_datagram)

/* for ev in events:iter() do ... end */
%typemap(out) mio_b_evlist {
	lua_pushvalue(L, 1);
	lua_pushlightuserdata(L, $descriptor(mio_b_event *));
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, mio_b_lua_events_next, 3);
	(void)$1;
	SWIG_arg++;
}
%include "mio_lua_udp.i"  /* UdpSocket 1.2: batches (../mio_udp.i) */
