# ruff: noqa: E501 - each attack body is one line of code in a string; wrapping it would only obscure it
"""The red-team attempts against the sandbox, by category; ``python tests/security/attempts.py`` counts them.

Two layers are attacked separately:

* ``policy``: the code goes through the AST policy as generated code does. It must be refused, or,
  where it passes the filter, fail when it runs.
* ``os``: the code is loaded with the policy switched off and the full builtins, as code that found
  a way past the filter would run. Only the OS layer (bubblewrap, uids, seccomp, rlimits) and the
  host's checks of every reply stand between it and the machine.

Every attempt is the body of a tool. It first writes a row through the runtime (so a rollback is
visible), then tries its escape; it returns ``{"escaped": ...}`` only when the escape worked, and
raises otherwise. The suite asserts that no call returns ``escaped`` and that the episode's state
afterwards is the state before the call.
"""

from __future__ import annotations

import collections
import textwrap

import attrs

__all__ = ["ATTEMPTS", "Attempt", "counts"]


@attrs.frozen
class Attempt:
    category: str
    name: str
    layer: str  # "policy" or "os"
    body: str
    expect: str = "fails"  # "fails": the call fails; "contained": the call may succeed, its effect must not
    needs: tuple[str, ...] = ()  # host fixtures the body uses as names: "bystander_pid", "tcp_port", ...

    @property
    def id(self) -> str:
        return f"{self.category}:{self.name}"


def _p(category: str, name: str, body: str) -> Attempt:
    return Attempt(category, name, "policy", textwrap.dedent(body).strip())


def _o(category: str, name: str, body: str, *, expect: str = "fails", needs: tuple[str, ...] = ()) -> Attempt:
    return Attempt(category, name, "os", textwrap.dedent(body).strip(), expect, needs)


POLICY = [
    # --- import tricks
    _p("imports", "import-os", "import os\nreturn {'escaped': os.getcwd()}"),
    _p("imports", "dunder-import", "return {'escaped': str(__import__('os'))}"),
    _p("imports", "importlib", "import importlib\nreturn {'escaped': str(importlib.import_module('os'))}"),
    _p("imports", "submodule-of-allowed", "from json import decoder\nreturn {'escaped': str(decoder)}"),
    _p("imports", "module-through-allowed", "import typing\nreturn {'escaped': str(typing.sys.modules)}"),
    _p("imports", "sdk-internals", "import envfactory_core.env.episode as e\nreturn {'escaped': str(e.sqlite3)}"),
    _p("imports", "private-name", "from envfactory_core.env import _episode\nreturn {'escaped': str(_episode)}"),
    # --- introspection chains
    _p("introspection", "subclasses", "return {'escaped': len(().__class__.__bases__[0].__subclasses__())}"),
    _p("introspection", "mro", "return {'escaped': str(type(ctx).mro())}"),
    _p("introspection", "private-attribute", "return {'escaped': str(ctx._episode.connection)}"),
    _p("introspection", "frames", "return {'escaped': str((x for x in ()).gi_frame.f_back.f_globals)}"),
    _p("introspection", "getattr-by-name", "return {'escaped': str(getattr(ctx, '_' + 'episode'))}"),
    _p("introspection", "vars", "return {'escaped': str(vars(ctx))}"),
    _p("introspection", "table-handle", "return {'escaped': str(ctx.table('counters').connection)}"),
    _p("introspection", "type-dict", "t = type(ctx)\nreturn {'escaped': str(t.__dict__)}"),
    # --- format strings
    _p("format_strings", "constant-dunder", "return {'escaped': '{0.__class__}'.format(1)}"),
    _p("format_strings", "constant-private", "return {'escaped': '{0._episode}'.format(ctx)}"),
    _p("format_strings", "format-map", "return {'escaped': '{x}'.format_map({'x': 1})}"),
    _p(
        "format_strings",
        "built-at-run-time",
        """
        field = '{0.' + '_' * 2 + 'init' + '_' * 2 + '}'
        value = field.format(ctx)
        if not isinstance(value, str):
            return {'escaped': True}
        raise PermissionError('a format string gives text, never an object')
        """,
    ),
    # --- match patterns
    _p(
        "match_patterns",
        "class-pattern-dunder",
        "match ():\n    case object(__class__=klass):\n        return {'escaped': str(klass)}\nreturn {}",
    ),
    _p(
        "match_patterns",
        "class-pattern-private",
        "match ctx:\n    case object(_episode=episode):\n        return {'escaped': str(episode)}\nreturn {}",
    ),
    _p(
        "match_patterns",
        "class-pattern-handle",
        "match ctx.table('counters'):\n    case object(connection=c):\n        return {'escaped': str(c)}\nreturn {}",
    ),
    # --- typing and eval paths
    _p(
        "typing_eval",
        "get-type-hints-import",
        "from typing import get_type_hints\nreturn {'escaped': str(get_type_hints)}",
    ),
    _p(
        "typing_eval", "get-type-hints-attribute", "import typing\nreturn {'escaped': str(typing.get_type_hints(bump))}"
    ),
    _p("typing_eval", "forward-ref", "import typing\nreturn {'escaped': str(typing.ForwardRef('1'))}"),
    _p(
        "typing_eval",
        "update-wrapper",
        "import functools\nw = lambda: 0\nfunctools.update_wrapper(w, ctx, assigned=('_' + 'episode',))\n"
        "return {'escaped': True}",
    ),
    _p("typing_eval", "wraps-import", "from functools import wraps\nreturn {'escaped': str(wraps)}"),
    _p("typing_eval", "string-annotation", "def f(x: \"__import__('os')\") -> None:\n    pass\nreturn {}"),
    _p("typing_eval", "exec", "exec('import os')\nreturn {'escaped': True}"),
    _p("typing_eval", "eval-compile", "return {'escaped': eval(compile('1', 'x', 'eval'))}"),
    _p("typing_eval", "builtins-module", "import sys\nreturn {'escaped': str(sys.modules['builtins'].exec)}"),
    _p("typing_eval", "deep-source", "x = " + "-" * 100_000 + "1\nreturn {'escaped': x}"),
    # --- files through the policy
    _p("files", "open", "return {'escaped': open('/etc/passwd').read()}"),
    _p("files", "pathlib", "from pathlib import Path\nreturn {'escaped': Path('/etc/passwd').read_text()}"),
]

_CHANNEL = """
import os, stat, struct, json as _json, sys as _sys
def _channel():
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                return fd
        except OSError:
            continue
    raise RuntimeError('no channel')
def _seq():
    frame = _sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == 'serve':
            return frame.f_locals['number']
        frame = frame.f_back
    raise RuntimeError('no request number')
def _forge(data):
    fd = _channel()
    os.write(fd, struct.pack('>I', len(data)) + data)
    os._exit(0)
"""

OS = [
    # --- files
    _o("files", "read-etc-passwd", "return {'escaped': open('/etc/passwd').read()[:80]}"),
    _o(
        "files",
        "read-project-sources",
        "return {'escaped': open(repo + '/pyproject.toml').read()[:80]}",
        needs=("repo",),
    ),
    _o(
        "files",
        "list-project",
        # the package folders and the interpreter's environment are bound (read-only), so their parents
        # show up as skeleton folders
        "names = [n for n in os.listdir(repo) if n not in bound_names]\nif names:\n    return {'escaped': names}\n"
        "raise PermissionError('only the package folders')",
        needs=("repo", "bound_names"),
    ),
    _o(
        "files",
        "read-tests-and-readme",
        "return {'escaped': open(repo + '/README.md').read()[:80] + str(os.listdir(repo + '/tests'))}",
        needs=("repo",),
    ),
    _o("files", "read-root-home", "return {'escaped': os.listdir('/root') + os.listdir('/home')}"),
    _o(
        "files",
        "write-into-packages",
        "open(package_dir + '/planted.py', 'w').write('x = 1')\nreturn {'escaped': True}",
        needs=("package_dir",),
    ),
    _o("files", "write-dev-shm", "open('/dev/shm/planted', 'w').write('x')\nreturn {'escaped': True}"),
    _o("files", "write-root", "open('/planted', 'w').write('x')\nreturn {'escaped': True}"),
    _o(
        "files",
        "file-outlives-episode",
        "return {'escaped': open('/tmp/' + token).read()}",
        needs=("token",),
    ),
    _o(
        "files",
        "file-over-size-limit",
        "open('/tmp/big', 'wb').write(b'x' * (5 * 1024 * 1024))\nreturn {'escaped': True}",
    ),
    _o(
        "resources",
        "disk-fill",
        """
        written = 0
        for index in range(40):
            with open(f'/tmp/piece{index}', 'wb') as handle:
                handle.write(b'x' * (3900 * 1024))
            written += 3900 * 1024
        return {'escaped': written}
        """,
    ),
    # --- network
    _o(
        "network",
        "tcp-loopback",
        "import socket\nsocket.create_connection(('127.0.0.1', tcp_port), timeout=2)\nreturn {'escaped': True}",
        needs=("tcp_port",),
    ),
    _o(
        "network",
        "unix-socket-path",
        "import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect(unix_path)\nreturn {'escaped': True}",
        needs=("unix_path",),
    ),
    _o(
        "network",
        "unix-socket-abstract",
        "import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect(abstract_name)\nreturn {'escaped': True}",
        needs=("abstract_name",),
    ),
    _o("network", "socketpair", "import socket\nsocket.socketpair()\nreturn {'escaped': True}"),
    _o(
        "network",
        "raw-netlink",
        "import socket\nsocket.socket(socket.AF_NETLINK, socket.SOCK_RAW)\nreturn {'escaped': True}",
    ),
    _o(
        "network",
        "udp-dns",
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.sendto(b'x', ('8.8.8.8', 53))\nreturn {'escaped': True}",
    ),
    # --- processes
    _o("processes", "fork", "pid = os.fork()\nif pid == 0:\n    os._exit(0)\nreturn {'escaped': pid}"),
    _o(
        "processes",
        "run-a-shell",
        "import subprocess\nreturn {'escaped': subprocess.run(['/bin/sh', '-c', 'id'], capture_output=True).stdout.decode()}",
    ),
    _o("processes", "exec", "os.execv('/bin/sh', ['sh', '-c', 'id'])"),
    _o(
        "processes",
        "kill-other-worker",
        "import signal\nos.kill(bystander_pid, signal.SIGKILL)\nreturn {'escaped': True}",
        needs=("bystander_pid",),
    ),
    _o(
        "processes",
        "kill-fork-server",
        "import signal\nos.kill(os.getppid(), signal.SIGKILL)\nreturn {'escaped': True}",
    ),
    _o(
        "processes",
        "kill-everything",
        "import signal\nos.kill(-1, signal.SIGKILL)\nraise RuntimeError('still alive')",
        expect="contained",
        needs=("bystander_pid",),
    ),
    _o(
        "processes",
        "ptrace-other-worker",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nif libc.ptrace(16, bystander_pid, 0, 0) != 0:\n    raise OSError(ctypes.get_errno(), 'ptrace')\nreturn {'escaped': True}",
        needs=("bystander_pid",),
    ),
    _o(
        "processes",
        "read-other-worker-memory",
        "return {'escaped': open(f'/proc/{bystander_pid}/environ', 'rb').read().decode()}",
        needs=("bystander_pid",),
    ),
    _o(
        "processes",
        "see-host-processes",
        """
        seen = []
        for entry in os.listdir('/proc'):
            if entry.isdigit():
                try:
                    seen.append(open(f'/proc/{entry}/cmdline', 'rb').read().decode(errors='replace'))
                except OSError:
                    pass
        host = [line for line in seen if 'pytest' in line]
        if host:
            return {'escaped': host}
        raise PermissionError(f'only the sandbox: {len(seen)} processes')
        """,
    ),
    # --- namespaces
    _o(
        "namespaces",
        "unshare-user",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nif libc.unshare(0x10000000) != 0:\n    raise OSError(ctypes.get_errno(), 'unshare')\nreturn {'escaped': True}",
    ),
    _o(
        "namespaces",
        "unshare-mount",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nif libc.unshare(0x00020000) != 0:\n    raise OSError(ctypes.get_errno(), 'unshare')\nreturn {'escaped': True}",
    ),
    _o(
        "namespaces",
        "clone-new-user",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nif libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0) < 0:\n    raise OSError(ctypes.get_errno(), 'clone')\nos._exit(0)",
    ),
    _o(
        "namespaces",
        "setns",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nfd = os.open('/proc/1/ns/net', os.O_RDONLY)\nif libc.setns(fd, 0) != 0:\n    raise OSError(ctypes.get_errno(), 'setns')\nreturn {'escaped': True}",
    ),
    _o(
        "namespaces",
        "mount",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nif libc.mount(b'tmpfs', b'/tmp', b'tmpfs', 0, None) != 0:\n    raise OSError(ctypes.get_errno(), 'mount')\nreturn {'escaped': True}",
    ),
    _o("namespaces", "chroot", "os.chroot('/tmp')\nreturn {'escaped': True}"),
    _o("namespaces", "setuid-root", "os.setuid(0)\nreturn {'escaped': os.getuid()}"),
    _o(
        "namespaces",
        "bpf-and-keyctl",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nif libc.syscall(321, 0, 0, 0) < 0 and libc.syscall(250, 0, 0, 0) < 0:\n    raise OSError(ctypes.get_errno(), 'bpf/keyctl')\nreturn {'escaped': True}",
    ),
    _o(
        "namespaces",
        "capabilities",
        "status = open('/proc/self/status').read()\nline = [l for l in status.splitlines() if l.startswith('CapEff')][0]\nif int(line.split()[1], 16):\n    return {'escaped': line}\nraise PermissionError(line)",
    ),
    # --- resources
    _o("resources", "cpu-loop", "while True:\n    pass"),
    _o("resources", "memory-bomb", "blocks = []\nwhile True:\n    blocks.append(bytearray(64 * 1024 * 1024))"),
    _o("resources", "output-size", "return {'escaped': 'x' * (40 * 1024 * 1024)}"),
    _o(
        "resources",
        "open-files",
        "handles = [open('/dev/null') for _ in range(10_000)]\nreturn {'escaped': len(handles)}",
    ),
    _o(
        "resources",
        "threads",
        "import threading\nfor _ in range(10_000):\n    threading.Thread(target=lambda: None).start()\nreturn {'escaped': True}",
        expect="contained",
    ),
    # --- integrity
    _o(
        "integrity",
        "direct-database-write",
        """
        import gc, sqlite3
        for thing in gc.get_objects():
            if isinstance(thing, sqlite3.Connection):
                try:
                    thing.execute("UPDATE counters SET value = 1000 WHERE name = 'start'")
                    thing.execute('DELETE FROM _ef_dirty')
                except sqlite3.Error:
                    continue
        return {'tampered': True}
        """,
        expect="contained",
    ),
    _o(
        "integrity",
        "forged-hash",
        "_forge(_json.dumps({'ok': True, 'seq': _seq(), 'result': {'ok': True, 'output': 'forged'}, 'changes': {}, 'hash': 'sha256:' + '0' * 64}).encode())",
    ),
    _o(
        "integrity",
        "forged-rows",
        "_forge(_json.dumps({'ok': True, 'seq': _seq(), 'result': {'ok': True, 'output': 1}, 'changes': {'counters': {'start': '{\"name\":\"start\",\"value\":\"lots\"}'}}, 'hash': 'x'}).encode())",
    ),
    _o(
        "integrity",
        "forged-unknown-table",
        "_forge(_json.dumps({'ok': True, 'seq': _seq(), 'result': {'ok': True, 'output': 1}, 'changes': {'users': {'1': None}}, 'hash': 'x'}).encode())",
    ),
    _o("integrity", "deep-reply", "_forge(b'{\"ok\": true, \"x\": ' + b'[' * 100000 + b']' * 100000 + b'}')"),
    _o(
        "integrity",
        "oversized-reply-header",
        "fd = _channel()\nos.write(fd, struct.pack('>I', 2**32 - 1))\nos._exit(0)",
    ),
    _o("integrity", "not-an-object", "_forge(b'[1, 2, 3]')"),
    _o("integrity", "not-json", "_forge(b'\\xff\\xfe not json')"),
    _o(
        "integrity",
        "out-of-step",
        "_forge(_json.dumps({'ok': True, 'seq': 10**9, 'result': {'ok': True, 'output': 1}, 'changes': {}, 'hash': 'x'}).encode())",
    ),
    _o(
        "integrity",
        "missing-hash",
        "_forge(_json.dumps({'ok': True, 'seq': _seq(), 'result': {'ok': True, 'output': 1}}).encode())",
    ),
    _o(
        "integrity",
        "self-reported-violation",
        "_forge(_json.dumps({'ok': True, 'seq': _seq(), 'result': {'ok': False, 'error': {'kind': 'sandbox_violation', 'message': 'x'}}, 'changes': {}, 'hash': 'x'}).encode())",
    ),
    _o("integrity", "nan-in-reply", '_forge(b\'{"ok": true, "seq": \' + str(_seq()).encode() + b\', "result": NaN}\')'),
]

ATTEMPTS = POLICY + OS
CHANNEL_HELPERS = _CHANNEL


def counts() -> dict[str, int]:
    """How many attempts each category has."""
    return dict(sorted(collections.Counter(attempt.category for attempt in ATTEMPTS).items()))


if __name__ == "__main__":
    for category, number in counts().items():
        print(f"{category:16} {number}")
    print(f"{'total':16} {len(ATTEMPTS)} ({len(POLICY)} through the policy, {len(OS)} past it)")
