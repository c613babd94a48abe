"""A panel for the judge consistency tests (services, API and pages alike): four event judges
mark the theory of six contestants in the preliminary, close to each other, except that
judge p4 gives contestant 3 a 95 where the others gave about 70.

The figures, worked by hand (max 100, the event's default 15 %):

- every contestant's panel score is the mean of four marks, base + 0.5, but contestant 3's:
  (70 + 71 + 69 + 95) / 4 = 76.25;
- p4 sits 1.5 above five of them and 18.75 above contestant 3: mean difference
  (5 × 1.5 + 18.75) / 6 = 4.375, shown 4.38 (half-up);
- p4's order against the panel's: d = 0, 0, 2, 0, −1, −1, so rho = 1 − 6·6 / (6·35) = 0.83;
- p4's 95 lies 25 from the other judges' median (69, 70, 71: 70): flagged; nothing else is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import Api, World, build_world, judge, mark

BASES = (60, 65, 70, 75, 80, 85)
OFFSETS = {"chief": 0, "p2": 1, "p3": -1, "p4": 2}
OUTLIER = 95  # p4's mark of the third contestant


@dataclass
class Panel:
    world: World
    users: dict[str, int] = field(default_factory=dict)
    apis: dict[str, Api] = field(default_factory=dict)

    @property
    def org(self) -> Api:
        return self.world.org

    @property
    def event_id(self) -> int:
        return self.world.event_id

    @property
    def people(self) -> list[int]:
        return self.world.all_contestants()

    @property
    def outlier(self) -> int:
        """The contestant p4 marked far from the others."""
        return self.people[2]

    def consistency_path(self, round_: str = "preliminary") -> str:
        return f"/events/{self.event_id}/rounds/{round_}/consistency"

    def note_path(self, contestant_id: int, judge: str, component: str = "theory") -> str:
        return f"{self.consistency_path()}/notes/{contestant_id}/{component}/{self.users[judge]}"

    def sheet_path(self, judge: str, component: str = "theory") -> str:
        return f"/events/{self.event_id}/rounds/preliminary/sheets/{component}/{self.users[judge]}"


def build_panel(app: Flask, client: FlaskClient, **world: object) -> Panel:
    """The panel above, marked through the API as the judges would."""
    panel = Panel(build_world(app, client, per_unit=(3, 3), **world))  # type: ignore[arg-type]
    for name in OFFSETS:
        user_id, api = judge(app, client, panel.org, panel.event_id, name, chief=name == "chief")
        panel.users[name], panel.apis[name] = user_id, api
    for contestant, base in zip(panel.people, BASES, strict=True):
        for name, offset in OFFSETS.items():
            value = OUTLIER if (name, contestant) == ("p4", panel.outlier) else base + offset
            mark(panel.apis[name], panel.event_id, "preliminary", contestant, "theory", value)
    return panel
