"""Audit the installed Python dependencies for known vulnerabilities with pip-audit.

Exits 1 when any installed package has a known vulnerability (each is listed with its fix
version). pip-audit asks a vulnerability service on the internet (PyPI's per-release JSON, or
OSV); where neither answers — a closed network, a mirror that serves only the package index —
every package comes back "could not be audited": this script then says so plainly and exits 0,
or 2 when ANLAN_AUDIT_REQUIRED=1 (for a CI that must not pass unaudited).
"""

import json
import os
import subprocess
import sys


def main() -> int:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--skip-editable",
            "--progress-spinner",
            "off",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        print(result.stdout + result.stderr, file=sys.stderr)
        print("Dependency audit: pip-audit gave no report (see above).", file=sys.stderr)
        return 2
    packages = report.get("dependencies", [])
    vulnerable = [p for p in packages if p.get("vulns")]
    unaudited = [p for p in packages if "skip_reason" in p]
    audited = len(packages) - len(unaudited)
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            print(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} ({fixed})")
    print(
        f"Dependency audit: {audited} of {len(packages)} installed packages audited, "
        f"{len(vulnerable)} with known vulnerabilities."
    )
    if vulnerable:
        return 1
    if packages and audited == 0:
        print(
            "Dependency audit could not run: no vulnerability service answered (PyPI's per-release "
            "JSON and OSV are out of reach from this network). Run `make audit` where they are.",
            file=sys.stderr,
        )
        return 2 if os.environ.get("ANLAN_AUDIT_REQUIRED") == "1" else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
