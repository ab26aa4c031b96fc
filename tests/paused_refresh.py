"""`python -m tests.paused_refresh MARKER ARGS…`: the real CLI (`python -m data_sources ARGS…`)
with a pause injected inside the promotion transaction, so a test can kill -9 it mid-promotion.

The hook is installed here, in the test process's own entry point, through `Store.promote`'s
`before_commit` parameter: production code carries no test switch.
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path
from typing import Any

from data_sources.__main__ import main
from data_sources.store import Store


def _pause_in_promotion(marker: Path) -> None:
    real_promote = Store.promote

    def pause() -> None:
        marker.write_text("in promotion\n")
        time.sleep(60)

    @functools.wraps(real_promote)
    def promote(self: Store, *args: Any, **kwargs: Any) -> int:
        return real_promote(self, *args, **{**kwargs, "before_commit": pause})

    Store.promote = promote  # type: ignore[method-assign]


if __name__ == "__main__":
    _pause_in_promotion(Path(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
