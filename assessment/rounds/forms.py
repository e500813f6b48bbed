from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from assessment import i18n
from assessment.forms import BaseForm
from assessment.questionnaires.models import ScaleLevel, Theme


class TargetsForm(BaseForm):
    """One choice of level per speerpunt; built for the round's questionnaire."""

    themes: Sequence[Theme]
    submit = SubmitField(_l("Doelen opslaan"))

    def levels(self) -> dict[int, int]:
        return {theme.id: int(self[f"theme_{theme.id}"].data) for theme in self.themes}


def targets_form(
    themes: Sequence[Theme],
    scale: Sequence[ScaleLevel],
    current: Mapping[int, int],
    defaults: Mapping[int, int],
    formdata: object = None,
) -> TargetsForm:
    class Form(TargetsForm):
        pass

    language = i18n.current()
    for position, theme in enumerate(themes, start=1):
        setattr(
            Form,
            f"theme_{theme.id}",
            SelectField(
                f"{position}. {theme.text('title', language)}",
                choices=[
                    SelectChoice(str(s.level), f"{s.level} · {s.text('label', language)}") for s in scale
                ],
                description=_("Standaard in deze ronde: %(level)s.", level=defaults[theme.id]),
            ),
        )
    data = {f"theme_{theme.id}": str(current.get(theme.id, defaults[theme.id])) for theme in themes}
    form = Form(formdata=formdata, data=data) if formdata is not None else Form(data=data)
    form.themes = themes
    return form


class NewRoundForm(BaseForm):
    """A new round. The default targets are fields ``theme_<id>``, added for the questionnaire
    chosen (``new_round_form``): the page asks for the questionnaire first, without JavaScript."""

    code = StringField(
        _l("Code"),
        description=_l("Kort en uniek, bijvoorbeeld 2026-1. Letters A–Z, cijfers, - en _."),
        validators=[InputRequired(_l("Vul een code in.")), Length(max=40)],
    )
    name = StringField(
        _l("Naam"),
        description=_l("Bijvoorbeeld ‘Eerste meting 2026’."),
        validators=[InputRequired(_l("Vul een naam in.")), Length(max=200)],
    )
    questionnaire = HiddenField()
    opens_on = DateField(_l("Opent op"), validators=[Optional()])
    closes_on = DateField(
        _l("Sluit op"), description=_l("Eenheden zien deze datum als deadline."), validators=[Optional()]
    )
    scope = SelectField(
        _l("Wie doet mee"),
        description=_l("Alle actieve eenheden, of één eenheid met alles wat eronder valt."),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Meetronde maken"))

    themes: Sequence[Theme]

    def validate_closes_on(self, field: DateField) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("De sluitdatum ligt vóór de openingsdatum."))

    def levels(self) -> dict[int, int]:
        return {theme.id: int(self[f"theme_{theme.id}"].data) for theme in self.themes}


def new_round_form(
    themes: Sequence[Theme], scale: Sequence[ScaleLevel], formdata: object = None
) -> NewRoundForm:
    class Form(NewRoundForm):
        pass

    language = i18n.current()
    for position, theme in enumerate(themes, start=1):
        setattr(
            Form,
            f"theme_{theme.id}",
            SelectField(
                f"{position}. {theme.text('title', language)}",
                choices=[
                    SelectChoice(str(s.level), f"{s.level} · {s.text('label', language)}") for s in scale
                ],
                default=str(theme.default_target),
            ),
        )
    form = Form(formdata=formdata) if formdata is not None else Form()
    form.themes = themes
    return form


def defaults_form(
    themes: Sequence[Theme], scale: Sequence[ScaleLevel], current: Mapping[int, int], formdata: object = None
) -> TargetsForm:
    """The round's default target per speerpunt."""

    class Form(TargetsForm):
        submit = SubmitField(_l("Standaarddoelen opslaan"))

    language = i18n.current()
    for position, theme in enumerate(themes, start=1):
        setattr(
            Form,
            f"theme_{theme.id}",
            SelectField(
                f"{position}. {theme.text('title', language)}",
                choices=[
                    SelectChoice(str(s.level), f"{s.level} · {s.text('label', language)}") for s in scale
                ],
            ),
        )
    data = {f"theme_{theme.id}": str(current[theme.id]) for theme in themes}
    form = Form(formdata=formdata, data=data) if formdata is not None else Form(data=data)
    form.themes = themes
    return form


class ConfirmForm(BaseForm):
    """Only the CSRF token: the button says what happens."""
