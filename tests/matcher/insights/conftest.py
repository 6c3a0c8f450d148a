"""The insights organisation fixture (shared with the API and browser tests)."""

from insights_org import org_fixture  # noqa: F401
