"""Console forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from instruments.domain import GROUPS

from .. import labels

GROUP_LABELS = labels.GROUPS


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""


class RoundForm(FlaskForm):
    city_id = SelectField(_l("City"), coerce=int, validators=[InputRequired()])
    slug = StringField(
        _l("Short name used in links"),
        validators=[
            DataRequired(),
            Length(min=3, max=64),
            Regexp(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$", message=_l("Use lower-case Latin letters, digits and hyphens.")),
        ],
    )
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    anonymous = BooleanField(_l("Anonymous: keep no link between invitations and answers"), default=True)
    opens_at = DateTimeLocalField(
        _l("Opens automatically at (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes automatically at (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )


class RoundEditForm(FlaskForm):
    """The settings of an existing round (its city, slug and year stay)."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    anonymous = BooleanField(_l("Anonymous: keep no link between invitations and answers"))
    opens_at = DateTimeLocalField(
        _l("Opens automatically at (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes automatically at (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )


def add_group_fields(form_class: type[FlaskForm]) -> type[FlaskForm]:
    """Per group: surveyed or not, access mode and target n."""
    for group in GROUPS:
        setattr(form_class, f"use_{group}", BooleanField(GROUP_LABELS[group], default=True))
        setattr(
            form_class,
            f"access_{group}",
            SelectField(
                _l("Access"),
                choices=[SelectChoice("open", _l("Open link")), SelectChoice("invitation", _l("Invitation only"))],
                default="open" if group == "residents" else "invitation",
            ),
        )
        setattr(
            form_class,
            f"instrument_{group}",
            SelectField(_l("Questionnaire"), coerce=int, choices=[], validate_choice=False),
        )
        setattr(
            form_class,
            f"target_{group}",
            IntegerField(
                _l("Target number of responses"),
                default=120 if group == "residents" else 20,
                validators=[InputRequired(), NumberRange(0, 100000)],
            ),
        )
    return form_class


add_group_fields(RoundForm)
add_group_fields(RoundEditForm)


EMAIL_CHOICE = _l("By e-mail to the addresses in the file; the rest on screen")


class InvitationForm(FlaskForm):
    group = SelectField(_l("Stakeholder group"), validators=[InputRequired()])
    count = IntegerField(_l("Number of blank invitations"), default=10, validators=[Optional(), NumberRange(1, 1000)])
    upload = FileField(_l("Or a list of organisations (CSV or XLSX: organisation, sector, email)"))
    output = SelectField(
        _l("Download as"),
        choices=[
            SelectChoice("csv", _l("CSV list of links")),
            SelectChoice("pdf", _l("Printable sheet with QR codes (PDF)")),
            SelectChoice("screen", _l("On screen, then CSV and PDF")),
        ],
    )
