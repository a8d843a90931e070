"""cmsgprobe.py - which UDP control messages the platform under the
example servers does not carry, for the harnesses that drive them
(man/run-examples.py, examples/check-udp-quic-echo.sh).

qemu-user on a big-endian guest copies most control messages unconverted
(tests/cmsgprobe.h).  The answer comes from tests/cmsg-probe, the raw-
syscall probe built for the same target as the servers, so that under
qemu it runs on the same emulator; it is looked for at ../tests/ from
the harness's directory (man/ or examples/ of the build tree).  Without
it (tests/ not built), every message is taken as carried and every check
runs: a missing probe never hides a failure.

SPDX-License-Identifier: MIT
"""
import os
import subprocess

_not_carried = None


def not_carried():
    """{name: why} of the messages the platform does not carry."""
    global _not_carried
    if _not_carried is None:
        _not_carried = {}
        probe = os.path.join("..", "tests", "cmsg-probe")
        try:
            out = subprocess.run([probe], capture_output=True, text=True, timeout=60).stdout
        except (OSError, subprocess.TimeoutExpired) as e:
            print("note: %s: %r: every control message taken as carried" % (probe, e))
            out = ""
        for line in out.splitlines():
            f = line.split(" ", 2)
            if len(f) >= 2 and f[1] == "broken":
                _not_carried[f[0]] = f[2] if len(f) > 2 else ""
    return _not_carried


def carried(what, *names):
    """True where the platform carries every message of names; else
    prints "SKIP: <what>: ..." with the first one's reason (the
    portability matrix lists these lines) and returns False."""
    for n in names:
        if n in not_carried():
            print("SKIP: %s: the platform does not carry %s (%s)" % (what, n, not_carried()[n]),
                  flush=True)
            return False
    return True


def echo(family_is_v6):
    """The probe of packet info reflected as received, by family."""
    return "ipv6_pktinfo_echo" if family_is_v6 else "ip_pktinfo_echo"


def ecn(family_is_v6, send):
    """The probe of ECN's message (IP_TOS, IPV6_TCLASS) one way."""
    return ("ipv6_tclass_" if family_is_v6 else "ip_tos_") + ("send" if send else "recv")
