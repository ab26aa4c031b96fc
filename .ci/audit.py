"""`make audit`: pip-audit over the hash-pinned lock files, with an answer that cannot lie.

pip-audit alone gives no way to tell "nothing found" from "nothing checked": when its advisory
service cannot be reached it either crashes with a traceback (exit 1, the same code as "vulnerable")
or, behind a mirror that answers 404 for every release, skips every package and still prints
"No known vulnerabilities found" with exit 0. This wrapper reads pip-audit's JSON report and answers
with one of three exit codes:

    0  every pinned package was checked and none has a known vulnerability
    1  known vulnerabilities (listed), whatever else happened
    2  no vulnerability check was done, or only part of one: the advisory database was unreachable,
       some packages could not be checked, or pip-audit failed; never reported as "no known
       vulnerabilities"

Usage: python .ci/audit.py [--service pypi|osv] [--pip-audit CMD] LOCK [LOCK ...]
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

CLEAN, VULNERABLE, NOT_CHECKED = 0, 1, 2

# What pip-audit (requests, urllib3) prints when it never got an answer from the service.
UNREACHABLE = re.compile(
    r"ConnectionError|ProxyError|ConnectTimeout|ReadTimeout|Timeout|NameResolutionError"
    r"|Max retries exceeded|Failed to establish a new connection|Could not connect"
    r"|Connection refused|Name or service not known|Temporary failure in name resolution"
    r"|SSLError|not redirecting properly",
)
NO_CHECK = "no vulnerability check was done"


def _last_lines(text: str, n: int = 3) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return "\n  ".join(lines[-n:])


def classify(
    returncode: int, report: dict[str, object] | None, stderr: str, service: str
) -> tuple[int, str]:
    """The exit code and the message for one pip-audit run (its exit code, JSON report, stderr)."""
    if report is None:
        if UNREACHABLE.search(stderr):
            return NOT_CHECKED, (
                f"advisory database unreachable ({service}): {NO_CHECK}.\n"
                f"  pip-audit could not connect: {_last_lines(stderr, 1)}"
            )
        return NOT_CHECKED, (
            f"pip-audit failed (exit {returncode}) before reporting: {NO_CHECK}.\n"
            f"  {_last_lines(stderr)}"
        )
    deps = report.get("dependencies")
    if not isinstance(deps, list):
        return NOT_CHECKED, f"pip-audit wrote a report without dependencies: {NO_CHECK}."
    # A package pinned in two locks is reported twice; count it once.
    deps = list({json.dumps(d, sort_keys=True): d for d in deps}.values())
    checked = [d for d in deps if "skip_reason" not in d]
    skipped = [d for d in deps if "skip_reason" in d]
    vulnerable = [d for d in checked if d.get("vulns")]
    lines: list[str] = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            also = f" ({aliases})" if aliases else ""
            lines.append(f"  {dep['name']} {dep['version']}: {vuln['id']}{also}; fixed in {fixes}")
    if vulnerable:
        count = len(lines)
        head = (
            f"{count} known vulnerabilit{'y' if count == 1 else 'ies'} in {len(vulnerable)} of "
            f"{len(deps)} pinned packages ({service}):"
        )
        if skipped:
            lines.append(f"  and {len(skipped)} packages could not be checked")
        return VULNERABLE, "\n".join([head, *lines])
    if not deps:
        return NOT_CHECKED, f"pip-audit found no pinned packages in the lock: {NO_CHECK}."
    if not checked:
        return NOT_CHECKED, (
            f"advisory database unreachable ({service}): {NO_CHECK}.\n"
            f"  the service had no answer for any of the {len(deps)} pinned packages, e.g.\n"
            f"  {skipped[0]['skip_reason']}"
        )
    if skipped:
        names = ", ".join(str(d["name"]) for d in skipped[:10])
        more = ", …" if len(skipped) > 10 else ""
        return NOT_CHECKED, (
            f"advisory database incomplete ({service}): {len(skipped)} of {len(deps)} pinned "
            f"packages could not be checked ({names}{more}); no known vulnerabilities in the "
            f"other {len(checked)}, but this is no all-clear."
        )
    return CLEAN, f"no known vulnerabilities in the {len(deps)} pinned packages ({service})."


def run(locks: list[Path], service: str, pip_audit: list[str]) -> tuple[int, str]:
    with tempfile.TemporaryDirectory(prefix="pp-audit-") as tmp:
        out = Path(tmp) / "report.json"
        command = [*pip_audit, "--vulnerability-service", service, "--format", "json"]
        command += ["--output", str(out), "--progress-spinner", "off"]
        command += ["--require-hashes", "--disable-pip"]
        for lock in locks:
            command += ["--requirement", str(lock)]
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        report = None
        if out.exists():
            try:
                report = json.loads(out.read_text(encoding="utf-8"))
            except ValueError:
                report = None
        return classify(proc.returncode, report, proc.stderr, service)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("locks", nargs="+", type=Path, help="hash-pinned requirements files")
    parser.add_argument("--service", default="pypi", choices=["pypi", "osv"])
    parser.add_argument(
        "--pip-audit",
        default=f"{shlex.quote(sys.executable)} -m pip_audit",
        help="the pip-audit command (default: this Python's pip_audit module)",
    )
    args = parser.parse_args(argv)
    code, message = run(args.locks, args.service, shlex.split(args.pip_audit))
    print(f"audit: {message}", file=sys.stdout if code == CLEAN else sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
