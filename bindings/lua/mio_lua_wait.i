/*
 * mio_lua_wait.i - Lua's side of mio_wait.i: events:token(i) and
 * events:readiness(i) push an integer (or nil past the end) straight from
 * the Events buffer.  A Lua integer (a number on 5.1, 5.2 and LuaJIT) and
 * nil are values: nothing is allocated, so a loop over the events makes
 * no garbage (test_wait.lua counts it on every interpreter).
 *
 * SPDX-License-Identifier: MIT
 */
%{
typedef const mio_event *mio_b_evtoken;   /* event i, or NULL past the end */
typedef const mio_event *mio_b_evready;
%}
typedef const mio_event *mio_b_evtoken;
typedef const mio_event *mio_b_evready;

%typemap(out) mio_b_evtoken {
	if ($1 != NULL)
		lua_pushinteger(L, (lua_Integer)mio_event_token($1));
	else
		lua_pushnil(L);
	SWIG_arg++;
}
%typemap(out) mio_b_evready {
	if ($1 != NULL)
		lua_pushinteger(L, (lua_Integer)mio_event_readiness($1));
	else
		lua_pushnil(L);
	SWIG_arg++;
}
