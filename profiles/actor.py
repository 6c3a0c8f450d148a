"""Who is acting: an administrator/integration, or one employee editing their own profile."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The caller behind a request; `employee_id` is the external id of a self-service caller."""

    is_admin: bool
    employee_id: str | None = None

    @classmethod
    def admin(cls) -> Actor:
        """Full access (admin token, CLI, notebooks)."""
        return cls(is_admin=True)

    @classmethod
    def employee(cls, external_id: str) -> Actor:
        """An employee who may only edit their own profile."""
        return cls(is_admin=False, employee_id=external_id)

    def may_edit(self, external_id: str) -> bool:
        """Only the owner (or an admin) changes a profile."""
        return self.is_admin or self.employee_id == external_id
