#!/usr/bin/env python3
"""CPython's own selector and asyncio suites on mio.Selector.

    test_selector_cpython.py run {mio|default} MODULE OUT.json
    test_selector_cpython.py compare DEFAULT.json MIO.json

`run` runs one test module of the interpreter's `test` package (Debian:
libpython3.11-testsuite) in this process and writes what happened to
every test (pass, fail, error, skip + reason, expected failure,
unexpected success) as JSON.  `compare` checks that mio.Selector got
exactly the default selector's outcomes, test by test; any difference
fails unless it is in ALLOWED below with its reason.
.ci/steps/46-cpython-suites.sh runs every module in both modes.

How mio.Selector gets in (mode "mio"), before the module is imported:
  - test_selectors: the module's BaseSelectorTestCase and
    ScalableSelectorMixIn, mixed into a TestCase with SELECTOR =
    mio.Selector, as CPython's own EpollSelectorTestCase does for epoll.
    Mode "default" runs the same mix with SELECTOR =
    selectors.DefaultSelector (epoll), so both run the same tests.
  - test_asyncio modules: selectors.DefaultSelector and
    selectors.EpollSelector are replaced by mio.Selector.  Every event
    loop those suites make comes from asyncio.new_event_loop() or
    asyncio.SelectorEventLoop() with no selector (both call
    selectors.DefaultSelector()), or from their EPoll*Tests classes
    (selectors.EpollSelector()); all of those now run on mio.Selector.
    Their Poll*/Select* classes name the stdlib's PollSelector and
    SelectSelector and run unchanged in both modes.  The run counts the
    mio.Selector objects made and fails if a module made none (a patch
    that did not take would otherwise pass as "same as default").
"""
import faulthandler
import json
import os
import sys
import time
import unittest

# Differences from the default selector that are expected, test id ->
# (outcome with the default selector, outcome with mio.Selector, why).
ALLOWED = {
    # CPython's test patches the class under test's C object
    # (selectors.EpollSelector._selector_cls = select.epoll) so that its
    # modify() raises, and skipTest()s for any selector class not named
    # Epoll/Poll/DevpollSelector: it cannot reach another
    # implementation.  The property it checks (bpo-30014: a failed
    # modify() unregisters the file object) is tested on mio.Selector by
    # tests/test_selector.py (test_modify_failure_unregisters).
    "test_modify_unregister": ("pass", "skip"),
}

# Modules that make no selector at all, with the reason; the "no
# mio.Selector made" check does not apply to them.
NO_SELECTOR = {
    # Every loop in it runs on a mock: BaseSelectorEventLoopTests gives
    # BaseSelectorEventLoop a mock.Mock() selector, the transport tests
    # use test_utils.TestLoop and its TestSelector.  It tests asyncio's
    # selector event loop code against the selectors API, so it runs
    # here for the listed set, with outcomes compared all the same.
    "test_selector_events",
}


class Recorder(unittest.TextTestResult):
    """Keeps every test's outcome by id."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def _set(self, test, outcome, detail=""):
        self.outcomes[test.id()] = (outcome, detail)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._set(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._set(test, "fail", self._exc_info_to_string(err, test)[-2000:])

    def addError(self, test, err):
        super().addError(test, err)
        # setUpClass/tearDownModule errors come with a _ErrorHolder "test".
        self._set(test, "error", self._exc_info_to_string(err, test)[-2000:])

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._set(test, "skip", reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._set(test, "xfail")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._set(test, "xpass")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            kind = "fail" if issubclass(err[0], test.failureException) else "error"
            self._set(subtest, kind, self._exc_info_to_string(err, test)[-2000:])


def selectors_suite(mode):
    import selectors
    from test import test_selectors as m
    if mode == "mio":
        import mio
        sel = mio.Selector
    else:
        sel = selectors.DefaultSelector
    # One class name in both modes, so that the test ids match.
    case = type("ScalableSelector", (m.BaseSelectorTestCase, m.ScalableSelectorMixIn,
                                     unittest.TestCase), {"SELECTOR": sel})
    case.__module__ = "test_selectors"
    return unittest.defaultTestLoader.loadTestsFromTestCase(case)


def run(mode, module, out):
    created = [0]
    if mode == "mio":
        import selectors
        import mio
        Selector = mio.Selector
        init = Selector.__init__

        def counting_init(self):
            created[0] += 1
            init(self)
        Selector.__init__ = counting_init
        if module != "test_selectors":
            selectors.DefaultSelector = Selector
            selectors.EpollSelector = Selector
    elif mode != "default":
        sys.exit("mode must be mio or default")

    # A hung test must not hang CI: dump the stacks and exit.
    faulthandler.dump_traceback_later(int(os.environ.get("SUITE_TIMEOUT", "900")), exit=True)
    if module == "test_selectors":
        suite = selectors_suite(mode)
    else:
        suite = unittest.defaultTestLoader.loadTestsFromName("test.test_asyncio." + module)
    t0 = time.monotonic()
    with open(out + ".log", "w") as log:
        result = unittest.TextTestRunner(stream=log, verbosity=2, resultclass=Recorder).run(suite)
    elapsed = time.monotonic() - t0
    outcomes = {}
    for tid, v in result.outcomes.items():
        # Ids without the package prefix, so both modes and both module
        # spellings compare.
        outcomes[tid.replace("test.test_asyncio.", "")] = v
    counts = {
        "run": result.testsRun, "failures": len(result.failures), "errors": len(result.errors),
        "skipped": len(result.skipped), "xfail": len(result.expectedFailures),
        "xpass": len(result.unexpectedSuccesses),
    }
    doc = {"module": module, "mode": mode, "python": sys.version.split()[0],
           "counts": counts, "seconds": round(elapsed, 1),
           "mio_selectors": created[0], "outcomes": outcomes}
    if mode == "mio":
        import mio
        doc["backend"] = mio.backend()
    with open(out, "w") as f:
        json.dump(doc, f, indent=0, sort_keys=True)
    line = "%-22s %-7s run %4d  fail %d  error %d  skip %3d  xfail %d  xpass %d  %6.1fs" % (
        module, mode, counts["run"], counts["failures"], counts["errors"], counts["skipped"],
        counts["xfail"], counts["xpass"], elapsed)
    if mode == "mio":
        line += "  (%d mio.Selector)" % created[0]
    print(line, flush=True)
    if mode == "mio" and created[0] == 0 and module not in NO_SELECTOR:
        print("%s: no mio.Selector was created: the patch did not take" % module)
        return 1
    return 0


def compare(default_json, mio_json):
    with open(default_json) as f:
        a = json.load(f)
    with open(mio_json) as f:
        b = json.load(f)
    bad = 0
    allowed_used = []
    ids = sorted(set(a["outcomes"]) | set(b["outcomes"]))
    for tid in ids:
        da = a["outcomes"].get(tid, ("absent", ""))
        db = b["outcomes"].get(tid, ("absent", ""))
        if da[0] == db[0]:
            continue
        name = tid.rsplit(".", 1)[-1]
        if ALLOWED.get(name) == (da[0], db[0]):
            allowed_used.append("%s: default %s, mio %s (allowed: see ALLOWED in %s)"
                                % (tid, da[0], db[0], os.path.basename(__file__)))
            continue
        bad += 1
        print("DIFF %s: default %s, mio.Selector %s" % (tid, da[0], db[0]))
        for label, d in (("default", da), ("mio", db)):
            if d[1]:
                print("  [%s] %s" % (label, d[1].strip().replace("\n", "\n  ")[-1500:]))
    for line in allowed_used:
        print("  " + line)
    # Failures that both modes share are not mio's, but still not a pass.
    for tid in ids:
        d = b["outcomes"].get(tid)
        if d and d[0] in ("fail", "error", "xpass") and a["outcomes"].get(tid, ("",))[0] == d[0]:
            print("BOTH %s: %s with both selectors" % (tid, d[0]))
            print("  " + d[1].strip().replace("\n", "\n  ")[-1500:])
            bad += 1
    return 1 if bad else 0


def main(argv):
    if len(argv) == 5 and argv[1] == "run":
        return run(argv[2], argv[3], argv[4])
    if len(argv) == 4 and argv[1] == "compare":
        return compare(argv[2], argv[3])
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
