"""The Python example under examples/python runs as its README says, against the open server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "python"


def test_click_to_call_places_a_call_prints_its_notifications_and_releases_it(api_root):
    # The SDK comes from PYTHONPATH (sdks/python/mmtel-callcontrol), as for the other tests.
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "click_to_call.py"), api_root, "--timeout", "10"],
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"call placed: 201 {api_root}/mmtel-callcontrol/v1/ims-sessions/")
    assert [line.split(" ", 1)[1] for line in lines[1:4]] == [
        "SESSION_ESTABLISHMENT_PROGRESS session INITIATING",
        "SESSION_ESTABLISHMENT_ALERTING session ALERTING",
        "SESSION_ESTABLISHMENT_SUCCESS session ESTABLISHED",
    ]
    assert lines[4:] == ["call released"]
