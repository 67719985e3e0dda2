"""The kinds of record, one entry each: the folder under content/ the loader reads, the file types it holds, the
schema model a file is checked against, what a message calls one record of the kind, whether each record has a
page at <folder>/<id>/, and what privacy allows in it. The loader, validation, privacy, the model, the dating of
outputs and the URLs read it: a new kind of record is one entry here (and its model in schema.py)."""
from __future__ import annotations

from dataclasses import dataclass

from liaison.content import schema

YAML = (".yaml", ".yml")
MARKDOWN = (".md",)
SITE_FILE = "site.yaml"


@dataclass(frozen=True)
class Kind:
    name: str  # the folder under content/, and the key of the kind's records everywhere ("stations")
    model: type[schema.Record]
    suffixes: tuple[str, ...]  # the file types the folder holds
    label: str  # one record of the kind, in messages: 引用的联络站“…”不存在
    singular: str  # one record of the kind, as a template names it ("station")
    pages: bool  # each record has a page at <name>/<id>/index.html: public URLs, printed in QR codes
    # What privacy allows in it (content/privacy.py): the fields that are public contact phones ("*": any
    # list item), and whether an e-mail address in it is the publisher's own rather than someone's.
    phones: tuple[tuple[str, ...], ...]
    emails: bool
    # Where the station a record belongs to is written: what `liaison new --station` fills.
    station_field: tuple[str | int, ...] = ("station",)

    def file_name(self, record_id: str) -> str:
        """The file a new record of this kind is written to."""
        return record_id + self.suffixes[0]


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("stations", schema.Station, YAML, "联络站", singular="station", pages=True, phones=(("phone",), ("staff", "*", "phone")),
         emails=True, station_field=("parent",)),
    Kind("deputies", schema.Deputy, YAML, "代表", singular="deputy", pages=True, phones=(("phone",),), emails=True,
         station_field=("memberships", 0, "station")),
    Kind("systems", schema.System, MARKDOWN, "工作制度", singular="system", pages=True, phones=(), emails=True),
    Kind("events", schema.Event, YAML, "活动", singular="event", pages=False, phones=(), emails=False),
    Kind("opinions", schema.Opinion, YAML, "意见建议", singular="opinion", pages=False, phones=(), emails=False),
    Kind("notices", schema.Notice, MARKDOWN, "公告", singular="notice", pages=True, phones=(), emails=True),
    Kind("assessments", schema.Assessment, YAML, "星级评估", singular="assessment", pages=False, phones=(), emails=False),
)}
# Not a folder: the one file content/site.yaml.
SITE = Kind("site", schema.Site, (".yaml",), "站点设置", singular="site", pages=False, phones=(), emails=True)
BY_MODEL: dict[type, Kind] = {kind.model: kind for kind in (SITE, *KINDS.values())}


def of(name: str) -> Kind:
    """The entry of a kind of record, or of the site settings ("site")."""
    return SITE if name == SITE.name else KINDS[name]
