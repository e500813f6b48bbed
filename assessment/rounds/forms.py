from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SubmitField

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
