"""Each pytest worker's timeline from a run's junit.xml (scripts/test.sh writes one).

Reads the ``worker`` and ``started`` properties tests/fixtures/xdist_groups.py records
for each test and prints, per worker: its busy time, its gaps, when it ended (seconds
after the first test started), its idle tail (until the last worker ended), and the
modules that ran last on it. Usage: ``python scripts/junit_timeline.py
test-output/junit.xml [N last modules]``.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict


def main(path: str, last: int = 5) -> None:
    """Print each worker's busy time, end, idle tail and last modules."""
    runs: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for case in ET.parse(path).iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        if "started" not in props:
            continue
        start = float(props["started"] or 0)
        runs[props.get("worker") or "?"].append(
            (start, start + float(case.get("time") or 0), case.get("classname") or "")
        )
    if not runs:
        sys.exit(f"{path}: no test has a 'started' property (a run before they were recorded)")
    t0 = min(s for tests in runs.values() for s, _, _ in tests)
    end = max(e for tests in runs.values() for _, e, _ in tests)
    for worker, tests in sorted(runs.items()):
        tests.sort()
        busy = sum(e - s for s, e, _ in tests)
        w_end = max(e for _, e, _ in tests)
        print(
            f"{worker}: {len(tests)} tests, busy {busy:.0f} s, ends at {w_end - t0:.0f} s,"
            f" idle gaps {w_end - tests[0][0] - busy:.0f} s, idle tail {end - w_end:.0f} s"
        )
        modules: list[tuple[str, float, float]] = []  # module, first start, last end
        for s, e, module in tests:
            if modules and modules[-1][0] == module:
                modules[-1] = (module, modules[-1][1], e)
            else:
                modules.append((module, s, e))
        for module, s, e in modules[-last:]:
            print(f"   {s - t0:7.0f} .. {e - t0:7.0f} s  {module}")


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]))
