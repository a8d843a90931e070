/*
 * mio_lua_udp.i - the Lua side of ../mio_udp.i: UDP batches as tables.
 *
 *   u:recv_msgs([count[, size]])       -> {{data, addr}, ...}, one per datagram
 *   u:recv_msgs_info([count[, size]])  -> {{data, addr, local_addr=, ifindex=,
 *                                          ecn=, segment_size=, flags=}, ...}
 *   u:send_msgs({{data, addr[, ecn=, local_addr=, ifindex=, segment_size=]}, ...})
 *                                      -> count
 * or nil, msg, errno when libmio fails.  nil count or size is the default;
 * a count, size, item or field the binding cannot convert raises (the
 * rule at the top of mio_lua.i).  A record of recv_msgs_info is an item
 * of send_msgs as it is; other keys of an item are not read.
 *
 * The re-entrancy rule of mio_lua.i, for send_msgs' table: the option
 * names are pushed first (the only allocations); then the list, each
 * item and its fields are read raw (lua_rawlen, lua_rawgeti, lua_rawget:
 * no metamethod, no allocation) into the batch's records, each item's
 * data string kept on this call's stack until the call returns, each
 * address parsed at once.  A receive's data area belongs to a userdata
 * on the stack (mio_lua.i's mio.readv box), freed when the call returns,
 * and by the collector if a memory error unwinds the call.
 * test_udp_msgs.lua has the hostile tables.
 *
 * SPDX-License-Identifier: MIT
 */

%{
static char *mio_b_udp_buf_new(mio_b_udp_batch *b, size_t n)
{
	lua_State *L = b->lang;
	/* The owner first: a memory error here leaves nothing to free. */
	mio_b_lua_box *box = mio_b_lua_box_new(L, 0);
	box->p = malloc(n);
	b->owner = box;
	return box->p;
}

static void mio_b_udp_buf_free(mio_b_udp_batch *b)
{
	mio_b_lua_box *box = b->owner;
	if (box != NULL) {
		free(box->p);
		box->p = NULL;
	}
	b->buf = NULL;
}

static void mio_b_lua_udp_pushaddr(lua_State *L, const struct sockaddr_storage *ss, socklen_t len)
{
	mio_b_addr a;
	mio_b_udp_addr(&a, ss, len);
	mio_b_lua_pushaddr(L, &a);
}

/* The result of a receive of n records: one table per datagram (runs
 * split), or one per record with its fields (info).  Consecutive
 * datagrams from one peer share its address string. */
static void mio_b_lua_udp_push(lua_State *L, const mio_b_udp_batch *b, int n, int info)
{
	size_t total = 0;
	for (int i = 0; i < n; i++)
		total += info ? 1 : mio_b_udp_nseg(&b->msgs[i]);
	lua_pushnil(L);  /* the last peer's address */
	int peer = lua_gettop(L);
	lua_createtable(L, total > INT_MAX ? INT_MAX : (int)total, 0);
	const mio_udp_msg *last = NULL;
	lua_Integer j = 0;
	for (int i = 0; i < n; i++) {
		const mio_udp_msg *m = &b->msgs[i];
		if (last == NULL || !mio_b_udp_same_peer(last, m)) {
			mio_b_lua_udp_pushaddr(L, &m->addr, m->addr_len);
			lua_replace(L, peer);
			last = m;
		}
		const char *p = m->buf != NULL ? m->buf : "";
		size_t segs = info ? 1 : mio_b_udp_nseg(m);
		for (size_t k = 0; k < segs; k++) {
			size_t len = info ? m->len : mio_b_udp_seglen(m, k);
			lua_createtable(L, 2, info ? 5 : 0);
			lua_pushlstring(L, p, len);
			lua_rawseti(L, -2, 1);
			lua_pushvalue(L, peer);
			lua_rawseti(L, -2, 2);
			if (info) {
				if (m->local_len != 0) {
					mio_b_lua_udp_pushaddr(L, &m->local, m->local_len);
					lua_setfield(L, -2, "local_addr");
				}
				lua_pushinteger(L, (lua_Integer)m->ifindex);
				lua_setfield(L, -2, "ifindex");
				lua_pushinteger(L, (lua_Integer)m->ecn);
				lua_setfield(L, -2, "ecn");
				lua_pushinteger(L, (lua_Integer)m->segment_size);
				lua_setfield(L, -2, "segment_size");
				lua_pushinteger(L, (lua_Integer)m->flags);
				lua_setfield(L, -2, "flags");
			}
			lua_rawseti(L, -2, ++j);
			p += len;
		}
	}
	lua_remove(L, peer);
}

/* The names send_msgs reads beside [1] and [2], in this order. */
static const char *const mio_b_lua_udp_fields[] = { "ecn", "ifindex", "segment_size", "local_addr" };

/* An "ip:port" string at the top of the stack into ss/len: 0, or -1
 * with the message pushed. */
static int mio_b_lua_udp_addr(lua_State *L, struct sockaddr_storage *ss, socklen_t *len, const char *sym,
			      int argnum, size_t item, const char *what)
{
	size_t n;
	const char *text = lua_tolstring(L, -1, &n);
	if (strlen(text) != n || mio_addr_parse(text, ss, len) < 0) {
		lua_pushfstring(L, "Error in %s (arg %d), item %d: %s must be an address \"ip:port\" or \"[ipv6]:port\"",
				sym, argnum, (int)item, what);
		return -1;
	}
	return 0;
}

/* send_msgs' table at idx into b's records; 0, or -1 with the message
 * of the argument error pushed. */
static int mio_b_lua_udp_items(lua_State *L, int idx, mio_b_udp_batch *b, const char *sym, int argnum)
{
	if (lua_type(L, idx) != LUA_TTABLE) {
		lua_pushfstring(L, "Error in %s (arg %d), expected a table of {data, addr} tables", sym, argnum);
		return -1;
	}
	size_t n = lua_rawlen(L, idx);
	if (n < 1 || n > MIO_UDP_MSGS_MAX) {
		lua_pushfstring(L, "Error in %s (arg %d), 1 to %d items, not %d", sym, argnum, MIO_UDP_MSGS_MAX,
				n > INT_MAX ? INT_MAX : (int)n);
		return -1;
	}
	if (!lua_checkstack(L, (int)n + 8)) {
		lua_pushfstring(L, "Error in %s (arg %d), no stack for the items", sym, argnum);
		return -1;
	}
	int keys = lua_gettop(L) + 1;
	for (int f = 0; f < 4; f++)
		lua_pushstring(L, mio_b_lua_udp_fields[f]);
	b->count = n;
	/* One parse per run of items to the same address string: nothing in
	 * this loop allocates, so no string is collected and a pointer seen
	 * is the same string still. */
	const char *last_addr = NULL;
	for (size_t i = 0; i < n; i++) {
		mio_udp_msg *m = &b->msgs[i];
		size_t item = i + 1;
		if (lua_rawgeti(L, idx, (lua_Integer)item) != LUA_TTABLE) {
			lua_pushfstring(L, "Error in %s (arg %d), item %d is not a table {data, addr}", sym, argnum,
					(int)item);
			return -1;
		}
		int it = lua_gettop(L);
		if (lua_rawgeti(L, it, 1) != LUA_TSTRING) {
			lua_pushfstring(L, "Error in %s (arg %d), item %d: [1] must be the data, a string", sym,
					argnum, (int)item);
			return -1;
		}
		size_t len;
		const char *data = lua_tolstring(L, -1, &len);
		mio_b_udp_tx_init(m, data, len);
		int t = lua_rawgeti(L, it, 2);
		if (t == LUA_TSTRING && lua_tostring(L, -1) == last_addr) {
			memcpy(&m->addr, &b->msgs[i - 1].addr, b->msgs[i - 1].addr_len);
			m->addr_len = b->msgs[i - 1].addr_len;
		} else if (t == LUA_TSTRING) {
			if (mio_b_lua_udp_addr(L, &m->addr, &m->addr_len, sym, argnum, item, "[2]") < 0)
				return -1;
			last_addr = lua_tostring(L, -1);
		} else if (t == LUA_TNIL) {
			last_addr = NULL;
		} else {
			lua_pushfstring(L, "Error in %s (arg %d), item %d: [2] must be an address or nil", sym,
					argnum, (int)item);
			return -1;
		}
		lua_pop(L, 1);
		for (int f = 0; f < 4; f++) {
			lua_pushvalue(L, keys + f);
			t = lua_rawget(L, it);
			if (t == LUA_TNIL) {
				lua_pop(L, 1);
				continue;
			}
			if (f == 3) {
				if (t != LUA_TSTRING ||
				    mio_b_lua_udp_addr(L, &m->local, &m->local_len, sym, argnum, item, "local_addr") < 0) {
					if (t != LUA_TSTRING)
						lua_pushfstring(L, "Error in %s (arg %d), item %d: local_addr must be an address",
								sym, argnum, (int)item);
					return -1;
				}
			} else {
				lua_Unsigned max = f == 0 ? UINT8_MAX : UINT32_MAX;
				lua_Integer v = lua_tointeger(L, -1);
				if (!mio_b_lua_isint(L, -1) || v < 0 || (lua_Unsigned)v > max) {
					lua_pushfstring(L, "Error in %s (arg %d), item %d: %s must be an integer 0 to %I",
							sym, argnum, (int)item, mio_b_lua_udp_fields[f], (LUAI_UACINT)max);
					return -1;
				}
				if (f == 0)
					m->ecn = (uint8_t)v;
				else if (f == 1)
					m->ifindex = (uint32_t)v;
				else
					m->segment_size = (uint32_t)v;
			}
			lua_pop(L, 1);
		}
		lua_remove(L, it);  /* the data string stays, anchored */
	}
	return 0;
}
%}

/* count: 1 to UDP_MSGS_MAX; size: 0 to 65535 (no datagram, no coalesced
 * run is longer); nil for the default. */
%typemap(in) mio_b_udp_count {
	if (!lua_isnil(L, $input)) {
		lua_Integer v = lua_tointeger(L, $input);
		if (!mio_b_lua_isint(L, $input) || v < 1 || v > MIO_UDP_MSGS_MAX)
			MIO_B_LUA_ARGERR("$symname", $input, "count must be an integer 1 to UDP_MSGS_MAX (64)");
		$1 = (size_t)v;
	}
}
%typemap(in) mio_b_udp_size {
	if (!lua_isnil(L, $input)) {
		lua_Integer v = lua_tointeger(L, $input);
		if (!mio_b_lua_isint(L, $input) || v < 0 || v > 65535)
			MIO_B_LUA_ARGERR("$symname", $input, "size must be an integer 0 to 65535");
		$1 = (size_t)v;
	}
}

%typemap(in, numinputs=0) mio_b_udp_batch *RXBATCH (mio_b_udp_batch batch),
			  mio_b_udp_batch *RXINFO (mio_b_udp_batch batch) {
	batch.buf = NULL;
	batch.count = 0;
	batch.lang = L;
	batch.owner = NULL;
	$1 = &batch;
}
%typemap(freearg) mio_b_udp_batch *RXBATCH, mio_b_udp_batch *RXINFO "mio_b_udp_buf_free(&batch$argnum);"
%typemap(out) mio_b_udp_nrecv "(void)$1;"
%typemap(argout) mio_b_udp_batch *RXBATCH "mio_b_lua_udp_push(L, $1, result, 0); SWIG_arg++;"
%typemap(argout) mio_b_udp_batch *RXINFO "mio_b_lua_udp_push(L, $1, result, 1); SWIG_arg++;"

%typemap(in) mio_b_udp_batch *TXBATCH (mio_b_udp_batch batch) {
	if (mio_b_lua_udp_items(L, $input, &batch, "$symname", $input) < 0)
		SWIG_fail;
	$1 = &batch;
}
