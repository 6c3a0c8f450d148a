"""The webhook tests' receiver fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from webhook_receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP receiver on loopback, listening while the test runs."""
    r = Receiver()
    server = r.serve()
    yield r
    server.shutdown()
