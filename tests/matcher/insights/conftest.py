"""The insights organisation fixtures (shared with the API tests): `org` per module, `own_org` per test."""

from insights_org import org_fixture, org_settings, own_org_fixture  # noqa: F401
