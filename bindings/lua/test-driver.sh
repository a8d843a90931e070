#!/bin/sh
# test-driver.sh - automake's test driver for bindings/lua: runs one test
# once under every Lua interpreter built, and reports one result per
# interpreter ("PASS: test_core.lua [luajit]"), all counted in make
# check's summary.
#
# Environment (bindings/lua/Makefile.am sets it):
#   MIO_LUA_RUNS      "name:path:ABI ..." from configure (lua5.1:/usr/bin/lua5.1:5.1)
#   MIO_LUA_BUILD     the build directory: the module of ABI X.Y is in
#                     luaX.Y/.libs (LuaJIT loads the 5.1 build)
#   MIO_LUA_RUN_ONCE  tests that do not depend on the interpreter: one run
#   MIO_LUA_ONLY      optional: the interpreter names to run (make check
#                     MIO_LUA_ONLY=luajit)
# Each run gets LUA (the interpreter) and LUA_CPATH (its module only);
# LUA_CPATH_5_x and LUA_INIT* are unset, so nothing installed is loaded.
# A .lua test is run as "$LUA test.lua", a .sh one as given (it reads
# $LUA).  Exit 0 is PASS, 77 SKIP, 99 ERROR (hard error), else FAIL.
# The log has each run's output under a header, and a line
#   mio-lua-result<TAB>name<TAB>result<TAB>seconds
# per run, from which the Makefile prints the per-interpreter table.
set -u
name= log= trs= color=no xfail=no hard=yes
while test $# -gt 0; do
	case $1 in
	--test-name) name=$2; shift ;;
	--log-file) log=$2; shift ;;
	--trs-file) trs=$2; shift ;;
	--color-tests) color=$2; shift ;;
	--expect-failure) xfail=$2; shift ;;
	--enable-hard-errors) hard=$2; shift ;;
	--collect-skipped-logs) shift ;;
	--) shift; break ;;
	*) echo "$0: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
test -n "$name" && test -n "$log" && test -n "$trs" && test $# -gt 0 ||
	{ echo "usage: $0 --test-name N --log-file L --trs-file T -- COMMAND" >&2; exit 2; }

if test "$color" = yes; then
	e=$(printf '\033')
	red="$e[0;31m" grn="$e[0;32m" lgn="$e[1;32m" blu="$e[1;34m" mgn="$e[0;35m" std="$e[m"
else
	red= grn= lgn= blu= mgn= std=
fi

case $1 in *.lua) set -- "${LUA:-lua}" "$@"; lua_first=yes ;; *) lua_first=no ;; esac
runs=${MIO_LUA_RUNS:-}
for once in ${MIO_LUA_RUN_ONCE:-}; do
	case $name in */"$once" | "$once") runs=${runs%% *}; once=yes; break ;; esac
done
test "${once:-}" = yes || once=no

: >"$log"
: >"$trs"
global=
now() { date +%s%N; }
for run in $runs; do
	interp=${run%%:*} rest=${run#*:}
	path=${rest%:*} abi=${rest##*:}
	if test -n "${MIO_LUA_ONLY:-}" && test $once = no; then
		case " $MIO_LUA_ONLY " in *" $interp "*) ;; *) continue ;; esac
	fi
	label=$interp
	test $once = yes && label="wrapper"
	test $lua_first = yes && shift && set -- "$path" "$@"
	echo "=== $name [$label]: $path, module from $MIO_LUA_BUILD/lua$abi/.libs" >>"$log"
	t0=$(now)
	(
		unset LUA_CPATH_5_2 LUA_CPATH_5_3 LUA_CPATH_5_4 LUA_INIT LUA_INIT_5_2 LUA_INIT_5_3 LUA_INIT_5_4
		LUA=$path LUA_CPATH="$MIO_LUA_BUILD/lua$abi/.libs/?.so"
		export LUA LUA_CPATH
		exec "$@"
	) >>"$log" 2>&1 </dev/null
	rc=$?
	t1=$(now)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	case $rc:$xfail in
	0:yes) res=XPASS col=$red ;;
	0:*) res=PASS col=$grn ;;
	77:*) res=SKIP col=$blu ;;
	99:*) if test "$hard" = yes; then res=ERROR col=$mgn; elif test "$xfail" = yes; then res=XFAIL col=$lgn; else res=FAIL col=$red; fi ;;
	*:yes) res=XFAIL col=$lgn ;;
	*) res=FAIL col=$red ;;
	esac
	echo "=== $name [$label]: $res (exit $rc, ${secs}s)" >>"$log"
	test $once = yes || printf 'mio-lua-result\t%s\t%s\t%s\n' "$interp" "$res" "$secs" >>"$log"
	echo "${col}${res}${std}: $name [$label] ${secs}s"
	echo ":test-result: $res" >>"$trs"
	case $res in
	FAIL | XPASS | ERROR) global=FAIL ;;
	PASS | XFAIL) test "$global" = FAIL || global=PASS ;;
	SKIP) test -n "$global" || global=SKIP ;;
	esac
done
if test -z "$global"; then
	echo "no Lua interpreter to run $name under (MIO_LUA_RUNS='${MIO_LUA_RUNS:-}' MIO_LUA_ONLY='${MIO_LUA_ONLY:-}')" >>"$log"
	echo "${blu}SKIP${std}: $name [no interpreter]"
	echo ":test-result: SKIP" >>"$trs"
	global=SKIP
fi
echo ":global-test-result: $global" >>"$trs"
if test "$global" = FAIL; then
	echo ":recheck: yes" >>"$trs"
	echo ":copy-in-global-log: yes" >>"$trs"
else
	echo ":recheck: no" >>"$trs"
	echo ":copy-in-global-log: no" >>"$trs"
fi
exit 0
