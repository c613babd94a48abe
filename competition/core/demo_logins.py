"""The demo's people: each feature's demo (the contest's, the craftsman class's) creates its
logins through `DemoLogins`, which remembers every documented password so that
`flask demo load` can print them. Both demos share one organiser."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from competition.core import users as user_service
from competition.extensions import db
from competition.models import Role, User

ORGANISER_USERNAME = "organiser"
ORGANISER_PASSWORD = "demo-organiser"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


@dataclass
class DemoLogins:
    """The logins made so far, in the order they were made."""

    made: list[DemoLogin] = field(default_factory=list)

    def user(self, username: str, password: str, role: Role, display_name: str) -> User:
        created = user_service.create_user(username, password, role.value, display_name)
        self.made.append(DemoLogin(username, password, role.value))
        return created

    def organiser(self) -> User:
        """The demo's organiser: the one another demo already made, else a new one."""
        found = db.session.scalar(select(User).where(User.username == ORGANISER_USERNAME))
        if found is not None:
            return found
        return self.user(ORGANISER_USERNAME, ORGANISER_PASSWORD, Role.ORGANISER, "组委会")
