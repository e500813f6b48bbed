"""Forms for filling in and deciding. The answer form is built per speerpunt from its questions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from assessment import formatting
from assessment.assessments.models import COMMENT_MAX_LENGTH
from assessment.assessments.services import AnswerInput
from assessment.forms import BaseForm
from assessment.input_filter import MAX_ID
from assessment.results.questionnaire import Question

NOT_APPLICABLE = "nvt"
NO_ANSWER = ""
ANSWER_FIELD = re.compile(r"^(level|comment)_(\d+)$")


class VersionedForm(BaseForm):
    """Carries the version the page was loaded at, to refuse a save over someone else's."""

    version = IntegerField(
        widget=HiddenField.widget,
        validators=[
            InputRequired(),
            # A hidden field: only a crafted post gets here; a number the database cannot hold is
            # refused at the field instead of overflowing the query.
            NumberRange(
                min=0,
                max=MAX_ID,
                message=_l(
                    "Het veld version (de versie van de pagina) moet een getal van 0 tot en met "
                    "2.147.483.647 zijn. Laad de pagina opnieuw."
                ),
            ),
        ],
    )

    def version_problem(self) -> str | None:
        """The message of a refused version, for the top of the page."""
        return str(self.version.errors[0]) if self.version.errors else None

    def show_version(self, version: int) -> None:
        """Carry ``version`` in the page from now on. After a post the field would otherwise show
        the posted (stale) value, and saving again would be refused again."""
        self.version.data = version
        self.version.raw_data = None


class AnswersForm(VersionedForm):
    """One radio group and one toelichting per question of a speerpunt. It validates and reads
    what was posted; the page itself renders from the cached plain questionnaire (a Jinja macro),
    not through the fields' widgets."""

    questions: Sequence[Question]

    def level_field(self, question: Question) -> Field:
        return self[f"level_{question.id}"]

    def comment_field(self, question: Question) -> Field:
        return self[f"comment_{question.id}"]

    def inputs(self) -> dict[int, AnswerInput]:
        """The answers as the user gave them (call after validate)."""
        result = {}
        for question in self.questions:
            choice = self.level_field(question).data or NO_ANSWER
            comment = (self.comment_field(question).data or "").strip()
            result[question.id] = AnswerInput(
                level=int(choice) if choice.isdigit() else None,
                not_applicable=choice == NOT_APPLICABLE,
                comment=comment,
            )
        return result

    def values(self) -> dict[int, tuple[str, str]]:
        """(choice, toelichting) per question id as posted, to show them again."""
        return {
            q.id: (self.level_field(q).data or NO_ANSWER, self.comment_field(q).data or "")
            for q in self.questions
        }

    def field_errors(self) -> dict[str, list[str]]:
        """Messages per field name."""
        return {name: list(field.errors) for name, field in self._fields.items() if field.errors}

    def error_summary(self) -> list[tuple[str, str]]:
        """(field id, message naming the question) for the list at the top of the page."""
        summary = [(self.version.id, str(message)) for message in self.version.errors]
        for question in self.questions:
            for field in (self.level_field(question), self.comment_field(question)):
                for message in field.errors:
                    what = _("antwoord") if field.name.startswith("level") else _("toelichting")
                    summary.append(
                        (
                            field.id,
                            _(
                                "Vraag %(number)s (%(what)s): %(message)s",
                                number=question.number,
                                what=what,
                                message=message,
                            ),
                        )
                    )
        return summary


_form_classes: dict[tuple[object, ...], type[AnswersForm]] = {}
_MAX_FORM_CLASSES = 256


def answers_form(questions: Sequence[Question], *, formdata: object) -> AnswersForm:
    """The form for the ``questions`` of one speerpunt, filled from ``formdata`` (a POST).

    Building a form class costs more than using one, so the class is made once per shape of the
    speerpunt (its question ids and choices) and shared by every request.
    """
    shape = tuple((q.id, q.allow_not_applicable, tuple(lv.level for lv in q.levels)) for q in questions)
    form_class = _form_classes.get(shape)
    if form_class is None:
        if len(_form_classes) >= _MAX_FORM_CLASSES:
            _form_classes.clear()
        form_class = _form_classes[shape] = _answers_form_class(questions)
    form = form_class(formdata=formdata)
    form.questions = questions
    return form


def _answers_form_class(questions: Sequence[Question]) -> type[AnswersForm]:
    class Form(AnswersForm):
        pass

    for question in questions:
        choices = [
            SelectChoice(str(level.level), _l("Niveau %(level)s", level=level.level))
            for level in question.levels
        ]
        if question.allow_not_applicable:
            choices.append(SelectChoice(NOT_APPLICABLE, _l("Niet van toepassing")))
        choices.append(SelectChoice(NO_ANSWER, _l("Nog geen antwoord")))
        setattr(
            Form,
            f"level_{question.id}",
            RadioField(
                _l("Antwoord"),
                choices=choices,
                default=NO_ANSWER,
                validate_choice=False,  # _known_choice says it in words a user can act on
                validators=[_known_choice],
            ),
        )
        setattr(
            Form,
            f"comment_{question.id}",
            TextAreaField(
                _l("Toelichting"),
                filters=[normalise_line_breaks],
                validators=[_comment_length],
            ),
        )
    return Form


def normalise_line_breaks(value: str | None) -> str | None:
    """A browser sends each line break as CR LF but counts it as one character against the
    textarea's maxlength; count (and store) it as one here too."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


def _known_choice(form: BaseForm, field: RadioField) -> None:
    if field.data not in {choice.value for choice in field.choices}:  # type: ignore[union-attr]
        raise ValidationError(_("Kies een van de niveaus die bij deze vraag horen."))


def _comment_length(form: BaseForm, field: TextAreaField) -> None:
    if len(field.data or "") > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _(
                "De toelichting is te lang: maximaal %(max)s tekens.",
                max=formatting.decimal(COMMENT_MAX_LENGTH, 0),
            )
        )


def unknown_answer_fields(formdata: Mapping[str, str], questions: Sequence[Question]) -> list[str]:
    """Names of posted answer fields that belong to no question of this page."""
    ids = {str(q.id) for q in questions}  # compared as text: int() refuses 5,000 digits
    return [name for name in formdata if (match := ANSWER_FIELD.match(name)) and match.group(2) not in ids]


class SubmitForm(VersionedForm):
    submit = SubmitField(_l("Ja, indienen"))


class DecideForm(VersionedForm):
    approve = SubmitField(_l("Goedkeuren"))


class ReturnForm(VersionedForm):
    reason = TextAreaField(
        _l("Reden"),
        description=_l("De eenheid ziet deze reden bij haar vragenlijst."),
        filters=[normalise_line_breaks],
        validators=[
            InputRequired(_l("Geef een reden op, zodat de eenheid weet wat er moet gebeuren.")),
            Length(max=COMMENT_MAX_LENGTH),
        ],
    )
    submit = SubmitField(_l("Teruggeven aan de eenheid"))
