"""The quality flags and response modes in the reader's language."""

from flask_babel import lazy_gettext as _l

FLAG_LABELS = {
    "shared_device": _l("several responses from one device"),
    "burst": _l("one of many responses from one device or address within minutes"),
    "speeder": _l("completed far faster than most"),
    "straight_line": _l("the same point on every rating question"),
}
MODE_LABELS = {"web": _l("online"), "paper": _l("paper"), "interviewer": _l("interviewer")}
