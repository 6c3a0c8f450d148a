"""Who is calling, and what that credential may do.

- `admin`: the bootstrap token (`VELHO_ADMIN_TOKEN`), an admin key, or a command-line tool.
- `integration`: a frontend's key. On its own it manages profiles, matches and webhooks for the
  organisation; with `X-Velho-Acting-Employee` it acts as that employee, under that employee's rules.
- `insights`: a key that reads aggregates only.
- `employee`: a signed-in employee (a verified JWT), who may change only their own profile.

The rules about *whose* data may be touched live in the services; this object only says who is
asking and on whose behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["admin", "integration", "insights", "employee"]


@dataclass(frozen=True)
class Actor:
    """The caller behind a request; `employee_id` is the employee they are, or act for."""

    kind: Kind
    name: str
    employee_id: str | None = None
    # The key an integration acts through when it acts for an employee (audited).
    via: str | None = None

    @classmethod
    def admin(cls, name: str = "admin") -> Actor:
        """Full access (admin token or key, CLI, notebooks)."""
        return cls(kind="admin", name=name)

    @classmethod
    def employee(cls, external_id: str) -> Actor:
        """A signed-in employee."""
        return cls(kind="employee", name=external_id, employee_id=external_id)

    @classmethod
    def key(cls, name: str, scope: Kind) -> Actor:
        """An integration or insights key acting on its own."""
        return cls(kind=scope, name=name)

    def acting_for(self, external_id: str) -> Actor:
        """This key acting as an employee: the employee's rules apply from here on."""
        return Actor(kind="employee", name=external_id, employee_id=external_id, via=self.name)

    @property
    def is_admin(self) -> bool:
        """Everything is allowed."""
        return self.kind == "admin"

    @property
    def is_employee(self) -> bool:
        """A person's own rules apply (a signed-in employee, or a key acting for one)."""
        return self.employee_id is not None

    @property
    def is_trusted(self) -> bool:
        """An admin, or an integration acting for the organisation rather than for one person."""
        return self.kind in ("admin", "integration") and self.employee_id is None

    def may_edit(self, external_id: str) -> bool:
        """Only the owner changes a profile, or a trusted caller (admin, an integration's HR sync)."""
        return self.is_trusted or self.employee_id == external_id

    def may_see_hidden(self, external_id: str) -> bool:
        """A hidden profile is visible to its owner and to admins only."""
        return self.is_admin or self.employee_id == external_id
