#!/usr/bin/env python3
"""The surface of the Python module against its reference, the table in
mio(7)'s SCRIPTING BINDINGS, Reference (issue 19, "make the classes
impossible"): every name a script reaches on the module, on each class
and on each object (dir(), and the __dict__ of every class in its MRO but
object, so inherited and overriding attributes count), and nothing else.
A name added to the binding fails here until mio(7) lists it; one listed
but gone fails too.  Also: the ways a script could make, re-initialise,
copy, pickle, subclass or chain objects, and help() (issue 20, item 4):
every class and method has a description whose first line is a Python
signature that agrees with the stub mio/__init__.pyi, and no SWIG or C
type name shows."""
import ast
import copy
import os
import pickle
import re
import unittest

import mio
import mio._mio

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("top_srcdir") or os.path.join(HERE, "..", "..", "..")
MAN = os.path.join(SRCDIR, "man", "mio.7")
STUB = os.path.join(os.path.dirname(os.path.abspath(mio.__file__)), "__init__.pyi")

# What every module object has (set by the import system), and what the
# package's own __init__.py needs to work (PEP 562 hooks).
MODULE_STANDARD = {"__builtins__", "__cached__", "__doc__", "__file__", "__loader__",
                   "__name__", "__package__", "__path__", "__spec__", "__getattr__",
                   "__dir__"}


def reference(lang):
    """{class: set of names} from mio(7)'s table, for 'Python' or 'Lua'
    ('both' rows count for each); '*' rows go to every class."""
    rows = {}
    with open(MAN) as f:
        lines = f.read().split("\n")
    start = lines.index(".Ss Reference")
    for line in lines[start:]:
        if line.startswith(".Ss ") and line != ".Ss Reference":
            break
        if not line.startswith(".It ") or " Ta " not in line:
            continue
        cls, where, names = [p.strip() for p in line[4:].split(" Ta ")]
        if cls == "Em class":
            continue
        if where not in ("both", "Python", "Lua"):
            raise AssertionError("mio(7): bad row %r" % line)
        if where in ("both", lang):
            rows.setdefault(cls, set()).update(names.split())
    every = rows.pop("*", set())
    classes = {c: names | every for c, names in rows.items() if c != "mio"}
    return rows["mio"], classes


def class_surface(cls):
    """What a script reaches on a class and its objects beyond object's."""
    names = set(dir(cls)) - set(dir(object))
    for base in cls.__mro__[:-1]:
        names |= set(vars(base)) - {"__doc__"}
    return names


def mio_classes():
    return {n: getattr(mio._mio, n) for n in dir(mio._mio) if isinstance(getattr(mio._mio, n), type)}


class TestInventory(unittest.TestCase):
    def test_module(self):
        want, classes = reference("Python")
        got = set(dir(mio)) - MODULE_STANDARD
        self.assertEqual(sorted(got - want), [], "in mio, not in mio(7)")
        self.assertEqual(sorted(want - got), [], "in mio(7), not in mio")
        # the extension: what the package re-exports, and nothing else
        ext = set(dir(mio._mio)) - MODULE_STANDARD
        self.assertEqual(sorted(ext - want - {"__all__"}), [], "in mio._mio, not in mio(7)")
        self.assertEqual(set(mio.__all__), want - {"__all__", "__version__", "_mio"})

    def test_every_class(self):
        _, want = reference("Python")
        got = mio_classes()
        self.assertEqual(sorted(got), sorted(want), "classes of mio._mio vs mio(7)'s table")
        counts = []
        for name, cls in sorted(got.items()):
            with self.subTest(cls=name):
                have = class_surface(cls)
                self.assertEqual(sorted(have - want[name]), [], "%s: not in mio(7)" % name)
                self.assertEqual(sorted(want[name] - have), [], "%s: in mio(7), missing" % name)
                counts.append("%s %d" % (name, len(have)))
        print("test_surface.py: attributes per class:", ", ".join(counts))

    def test_bases_carry_nothing(self):
        # SWIG's SwigPyObject base: disown/acquire/own/append/next (leak,
        # chain), __int__ (the C address), comparison by C pointer.
        for name, cls in mio_classes().items():
            base = cls.__base__
            self.assertEqual(set(vars(base)) - {"__doc__"}, set(), "%s's base %s" % (name, base))
            self.assertEqual(cls.__mro__[-1], object)
            self.assertEqual(len(cls.__mro__), 3, cls.__mro__)


def one_of_each(tmp):
    """An object of every class (some twice: a pair's other end)."""
    from test_reliability import one_of_each as with_uses   # this directory
    return [o for o, _ in with_uses(tmp)]


class TestCreationPaths(unittest.TestCase):
    def setUp(self):
        import tempfile
        self.tmp = tempfile.TemporaryDirectory()
        self.objs = one_of_each(self.tmp.name)

    def tearDown(self):
        for o in self.objs:
            if hasattr(o, "close"):
                o.close()
        self.tmp.cleanup()

    def test_all_fourteen(self):
        self.assertEqual(sorted({type(o).__name__ for o in self.objs}), sorted(mio_classes()))

    def test_no_instance_attributes_no_subclass(self):
        for o in self.objs:
            with self.subTest(cls=type(o).__name__):
                with self.assertRaises(AttributeError):
                    o.anything = 1
                self.assertFalse(hasattr(o, "__dict__"))
                with self.assertRaises(TypeError):
                    type("X", (type(o),), {})
                with self.assertRaises((TypeError, AttributeError)):
                    setattr(type(o), "close", None)

    def test_no_pickle_no_copy(self):
        for o in self.objs:
            with self.subTest(cls=type(o).__name__):
                for proto in range(pickle.HIGHEST_PROTOCOL + 1):
                    with self.assertRaises(TypeError):
                        pickle.dumps(o, proto)
                with self.assertRaises(TypeError):
                    copy.copy(o)
                with self.assertRaises(TypeError):
                    copy.deepcopy(o)

    def test_equality_is_identity(self):
        for o in self.objs:
            self.assertEqual(o, o)
            self.assertNotEqual(o, type(o).__new__(type(o)) if type(o) in (mio.Poll, mio.Events, mio.Waker)
                                else object())
            hash(o)


# ---- help(): descriptions and Python signatures ------------------------

C_NAMES = re.compile(r"\b(mio_b_\w+|mio_token|uint\d+_t|int\d+_t|size_t|ssize_t|socklen_t|"
                     r"TIMEOUT|DURATION|SOURCE|DATALEN|IOVCNT|WBUF|UNADDR|ADDRLEN|PyObject|"
                     r"char \*|struct \w+|double|unsigned|thisown|SWIG|Swig|swig|"
                     r"disown|acquire|automatically generated)\b")
SIG = re.compile(r"^(\w+)\((.*)\)(?: -> (.+))?$")


def stub_signatures():
    """{(class or '', name): (params text, return text)} from the stub."""
    with open(STUB) as f:
        tree = ast.parse(f.read())
    out = {}
    # help() spells the stub's private aliases (_InetAddr, ...) out
    alias = {n.target.id: ast.unparse(n.value) for n in tree.body
             if isinstance(n, ast.AnnAssign) and ast.unparse(n.annotation) == "TypeAlias"}

    def spelled(node):
        text = ast.unparse(node)
        for name, value in alias.items():
            text = text.replace(name, value)
        return text

    def params(fn):
        a = fn.args
        names = [x.arg for x in a.posonlyargs + a.args]
        if names and names[0] == "self":
            names = names[1:]
        return names

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out[("", node.name)] = (params(node), spelled(node.returns))
        elif isinstance(node, ast.ClassDef):
            bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    out[(node.name, item.name)] = (params(item), spelled(item.returns))
            out[(node.name, "__bases__")] = bases
    return out


def stub_lookup(sigs, cls, name):
    todo = [cls]
    while todo:
        c = todo.pop(0)
        if (c, name) in sigs:
            return sigs[(c, name)]
        todo += sigs.get((c, "__bases__"), [])
    return None


class TestHelp(unittest.TestCase):
    def test_module_doc(self):
        self.assertTrue(mio.__doc__.startswith("mio: readiness-based"), mio.__doc__[:80])
        for m in (mio, mio._mio):
            self.assertNotRegex(m.__doc__ or "", C_NAMES)
        self.assertTrue(mio._mio.__doc__, "mio._mio has no description")

    def test_every_class_and_method(self):
        sigs = stub_signatures()
        checked = 0
        for cname, cls in sorted(mio_classes().items()):
            doc = cls.__doc__ or ""
            self.assertTrue(doc.strip(), "%s has no description" % cname)
            self.assertNotRegex(doc, C_NAMES, cname)
            for name in sorted(class_surface(cls)):
                if name.startswith("__") and name not in ("__init__",):
                    continue
                fn = getattr(cls, name)
                with self.subTest(method="%s.%s" % (cname, name)):
                    d = fn.__doc__ or ""
                    ts = getattr(fn, "__text_signature__", None)
                    self.assertIsNone(ts and C_NAMES.search(ts), ts)
                    if name == "__init__":
                        continue  # the class's docstring says how to call it
                    first = d.strip().split("\n")[0]
                    self.assertNotRegex(d, C_NAMES)
                    m = SIG.match(first)
                    self.assertIsNotNone(m, "first line of %s.%s is not a signature: %r"
                                         % (cname, name, first))
                    self.assertEqual(m.group(1), name)
                    want = stub_lookup(sigs, cname, name)
                    self.assertIsNotNone(want, "%s.%s is not in the stub" % (cname, name))
                    got_params = [p.split(":")[0].split("=")[0].strip()
                                  for p in re.split(r",\s*(?![^\[]*\])", m.group(2)) if p.strip()]
                    self.assertEqual(got_params, want[0], "%s.%s parameters vs stub" % (cname, name))
                    self.assertEqual(m.group(3), want[1], "%s.%s result vs stub" % (cname, name))
                    self.assertGreater(len(d.strip().split("\n")), 1, "%s.%s: no description" %
                                       (cname, name))
                    checked += 1
        for fname in ("version", "backend", "pipe", "addr_parse", "addr_format"):
            d = getattr(mio, fname).__doc__ or ""
            m = SIG.match(d.strip().split("\n")[0])
            self.assertIsNotNone(m, "mio.%s: %r" % (fname, d[:60]))
            self.assertEqual(m.group(3), stub_lookup(sigs, "", fname)[1])
            self.assertNotRegex(d, C_NAMES)
        self.assertGreater(checked, 150)


if __name__ == "__main__":
    unittest.main()
