"""Supply chain (issue 16 item 7): hash-pinned locks that cover pyproject.toml, and `make audit`
that never calls an unchecked run "no known vulnerabilities"."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / ".ci" / "requirements" / "lock.txt"
RUN_LOCK = ROOT / ".ci" / "requirements" / "run.txt"
TOOLS_LOCK = ROOT / ".ci" / "requirements" / "tools.txt"
AUDIT = ROOT / ".ci" / "audit.py"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Pin:
    name: str
    version: Version
    hashes: tuple[str, ...]


def read_lock(path: Path) -> dict[str, Pin]:
    """Each requirement of a pip requirements file, its continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    pins: dict[str, Pin] = {}
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("-"), f"{path.name}: an option line is not allowed: {line!r}"
        spec = line.partition(" --hash=")[0]
        hashes = tuple(re.findall(r"--hash=(\S+)", line))
        req = Requirement(spec)
        assert req.url is None, f"{path.name}: {req.name} comes from a URL"
        (specifier,) = req.specifier
        assert specifier.operator == "==", f"{path.name}: {spec!r} is not an exact pin"
        name = canonicalize_name(req.name)
        assert name not in pins, f"{path.name}: {name} pinned twice"
        pins[name] = Pin(name, Version(specifier.version), hashes)
    return pins


def declared(*extras: str, build: bool = False) -> list[Requirement]:
    project = PYPROJECT["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    if build:
        reqs += [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    return reqs


def assert_covers(pins: dict[str, Pin], reqs: list[Requirement], lock: str) -> None:
    missing = [str(r) for r in reqs if canonicalize_name(r.name) not in pins]
    assert not missing, f"{lock} pins none of: {missing} (run `make lock`)"
    unmet = [
        f"{r} (pinned {pins[canonicalize_name(r.name)].version})"
        for r in reqs
        if not r.specifier.contains(pins[canonicalize_name(r.name)].version, prereleases=True)
    ]
    assert not unmet, f"{lock} pins versions pyproject.toml does not allow: {unmet}"


@pytest.mark.parametrize("path", [LOCK, RUN_LOCK, TOOLS_LOCK], ids=lambda p: p.name)
def test_every_pin_is_exact_and_carries_a_sha256_hash(path: Path) -> None:
    pins = read_lock(path)
    assert len(pins) > 10
    unhashed = [p.name for p in pins.values() if not p.hashes]
    assert not unhashed, f"{path.name}: pins without a hash: {unhashed}"
    for pin in pins.values():
        for digest in pin.hashes:
            assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), f"{pin.name}: {digest}"


def test_lock_covers_runtime_dev_and_build_dependencies_within_their_specifiers() -> None:
    assert_covers(read_lock(LOCK), declared("dev", build=True), "lock.txt")


def test_run_lock_is_the_runtime_subset_with_the_same_pins() -> None:
    lock, run = read_lock(LOCK), read_lock(RUN_LOCK)
    assert_covers(run, declared(build=True), "run.txt")
    dev_only = {canonicalize_name(r.name) for r in declared("dev")} - {
        canonicalize_name(r.name) for r in declared(build=True)
    }
    assert not dev_only & run.keys(), "run.txt installs development tools"
    drift = {n: (p.version, lock[n].version) for n, p in run.items() if lock.get(n) != p}
    assert not drift, f"run.txt and lock.txt disagree (run `make lock`): {drift}"


def test_tools_lock_pins_the_makefile_tools_and_agrees_with_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    tools = re.search(r"^TOOLS\s*:=(.*)$", makefile, re.M)
    assert tools, "Makefile has no TOOLS line"
    reqs = [Requirement(t) for t in tools.group(1).split()]
    assert {canonicalize_name(r.name) for r in reqs} == {"uv", "pip-audit"}
    assert_covers(read_lock(TOOLS_LOCK), reqs, "tools.txt")
    lock = read_lock(LOCK)
    drift = {
        n: (str(p.version), str(lock[n].version))
        for n, p in read_lock(TOOLS_LOCK).items()
        if n in lock and lock[n].version != p.version
    }
    assert not drift, f"tools.txt would change packages the lock pins: {drift}"


def test_this_environment_is_the_lock() -> None:
    """`make test` installed every pinned package at its pinned version (none drifted)."""
    wrong: dict[str, tuple[str, str | None]] = {}
    for pin in read_lock(LOCK).values():
        try:
            installed = Version(importlib.metadata.version(pin.name))
        except importlib.metadata.PackageNotFoundError:
            wrong[pin.name] = (str(pin.version), None)
            continue
        if installed != pin.version:
            wrong[pin.name] = (str(pin.version), str(installed))
    assert not wrong, f"installed packages differ from lock.txt (pinned, installed): {wrong}"


def test_make_installs_only_from_the_locks_with_hashes() -> None:
    dry = subprocess.run(
        ["make", "-n", "-B", "VENV=/nonexistent/venv", "/nonexistent/venv/.installed-dev"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in dry.splitlines() if " install " in line]
    assert any("--require-hashes -r .ci/requirements/lock.txt" in line for line in installs)
    for line in installs:
        args = shlex.split(line)
        if "--upgrade" in args and args[-1] == "pip":
            continue  # the new venv's own pip, before anything is installed with it
        assert "--require-hashes" in args or "--no-deps" in args, line
    run = subprocess.run(
        ["make", "-n", "-B", "VENV=/nonexistent/venv", "/nonexistent/venv/.installed-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--require-hashes -r .ci/requirements/run.txt" in run
    assert "--no-deps --no-build-isolation -e ." in run


# --- make audit ---------------------------------------------------------------------------
def fake_pip_audit(tmp_path: Path, body: str) -> str:
    """A stand-in for pip-audit: records its arguments, then runs `body` (report: --output)."""
    script = tmp_path / "fake_pip_audit.py"
    script.write_text(
        "import json, sys\n"
        "argv = sys.argv[1:]\n"
        f"open({str(tmp_path / 'argv.json')!r}, 'w').write(json.dumps(argv))\n"
        "output = argv[argv.index('--output') + 1]\n"
        "def report(deps):\n"
        "    open(output, 'w').write(json.dumps({'dependencies': deps, 'fixes': []}))\n"
        + textwrap.dedent(body),
        encoding="utf-8",
    )
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def run_audit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(AUDIT), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )


PROXY_TRACEBACK = """
import sys
sys.stderr.write(
    "Traceback (most recent call last):\\n"
    "  File \\"requests/adapters.py\\", line 723, in send\\n"
    "requests.exceptions.ProxyError: HTTPSConnectionPool(port=443): Max retries exceeded "
    "(Caused by ProxyError('Unable to connect to proxy', NewConnectionError("
    "'Failed to establish a new connection: [Errno 111] Connection refused')))\\n"
)
sys.exit(1)
"""


def test_audit_says_unreachable_when_pip_audit_cannot_connect(tmp_path: Path) -> None:
    result = run_audit("--pip-audit", fake_pip_audit(tmp_path, PROXY_TRACEBACK), str(LOCK))
    assert result.returncode == 2
    assert "advisory database unreachable (pypi): no vulnerability check was done" in (
        result.stderr
    )
    assert "no known vulnerabilities" not in (result.stdout + result.stderr).lower()
    argv = json.loads((tmp_path / "argv.json").read_text())
    assert argv[argv.index("--requirement") + 1] == str(LOCK)
    assert {"--require-hashes", "--disable-pip"} <= set(argv)
    assert argv[argv.index("--vulnerability-service") + 1] == "pypi"


def test_audit_says_unreachable_when_every_package_was_skipped(tmp_path: Path) -> None:
    # A mirror that answers 404 for every release: pip-audit itself says "No known
    # vulnerabilities found" and exits 0.
    body = """
    why = "Dependency not found on PyPI and could not be audited"
    report([{"name": n, "skip_reason": f"{why}: {n}"} for n in ("dash", "pandas", "requests")] * 2)
    print("No known vulnerabilities found")
    """
    result = run_audit("--pip-audit", fake_pip_audit(tmp_path, body), str(LOCK))
    assert result.returncode == 2
    assert "advisory database unreachable (pypi): no vulnerability check was done" in (
        result.stderr
    )
    assert "any of the 3 pinned packages" in result.stderr
    assert "no known vulnerabilities" not in result.stderr.lower()


def test_audit_gives_no_all_clear_when_some_packages_were_not_checked(tmp_path: Path) -> None:
    body = """
    report([{"name": "dash", "version": "4.4.1", "vulns": []},
            {"name": "pandas", "skip_reason": "Dependency not found on PyPI"}])
    """
    result = run_audit("--pip-audit", fake_pip_audit(tmp_path, body), str(LOCK))
    assert result.returncode == 2
    assert "1 of 2 pinned packages could not be checked (pandas)" in result.stderr
    assert "this is no all-clear" in result.stderr


def test_audit_lists_known_vulnerabilities_with_exit_1(tmp_path: Path) -> None:
    body = """
    report([{"name": "requests", "version": "2.0.0", "vulns": [
                {"id": "PYSEC-2023-74", "fix_versions": ["2.31.0"], "aliases": ["CVE-2023-32681"],
                 "description": "leaks Proxy-Authorization"}]},
            {"name": "dash", "version": "4.4.1", "vulns": []},
            {"name": "pandas", "skip_reason": "Dependency not found on PyPI"}])
    raise SystemExit(1)
    """
    result = run_audit("--pip-audit", fake_pip_audit(tmp_path, body), str(LOCK))
    assert result.returncode == 1
    assert "1 known vulnerability in 1 of 3 pinned packages (pypi):" in result.stderr
    assert "requests 2.0.0: PYSEC-2023-74 (CVE-2023-32681); fixed in 2.31.0" in result.stderr
    assert "1 packages could not be checked" in result.stderr


def test_audit_all_clear_only_when_every_package_was_checked(tmp_path: Path) -> None:
    body = """
    report([{"name": "dash", "version": "4.4.1", "vulns": []},
            {"name": "pandas", "version": "3.1.1", "vulns": []}])
    """
    result = run_audit("--service", "osv", "--pip-audit", fake_pip_audit(tmp_path, body), str(LOCK))
    assert result.returncode == 0, result.stderr
    assert "no known vulnerabilities in the 2 pinned packages (osv)" in result.stdout
    argv = json.loads((tmp_path / "argv.json").read_text())
    assert argv[argv.index("--vulnerability-service") + 1] == "osv"


def test_audit_reports_a_failed_pip_audit_as_no_check(tmp_path: Path) -> None:
    body = """
    import sys
    sys.stderr.write("ERROR:pip_audit._cli:invalid requirements input: nowhere.txt\\n")
    sys.exit(1)
    """
    result = run_audit("--pip-audit", fake_pip_audit(tmp_path, body), "nowhere.txt")
    assert result.returncode == 2
    assert "pip-audit failed (exit 1) before reporting: no vulnerability check was done" in (
        result.stderr
    )
    assert "invalid requirements input" in result.stderr


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(
    importlib.util.find_spec("pip_audit") is None,
    reason="pip-audit is not installed (`make audit` installs it from .ci/requirements/tools.txt)",
)
def test_real_pip_audit_behind_a_closed_port_is_reported_unreachable(tmp_path: Path) -> None:
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}
    env.update(
        HTTPS_PROXY=proxy, HTTP_PROXY=proxy, https_proxy=proxy, http_proxy=proxy,
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )  # fmt: skip
    result = run_audit(str(RUN_LOCK), env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "advisory database unreachable (pypi): no vulnerability check was done" in (
        result.stderr
    )
    assert "Connection refused" in result.stderr
