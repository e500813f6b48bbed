"""Read, check and describe a questionnaire file (YAML), without Flask or a database.

The shape is fixed by ``questionnaires/schema.json``; this module adds the checks a JSON
Schema cannot express and turns the file into frozen dataclasses. Every problem is
reported with its place in the file, e.g. ``themes[2].capabilities[0].questions[1].levels:
niveau 4 ontbreekt``, so an administrator can fix the file without reading code.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, cast

import jsonschema
import yaml

from assessment.shipped import folder

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20  # nesting of lists and mappings; the format itself needs 9
# Control characters other than tab and line breaks (YAML's "\0" escape makes a NUL, which
# PostgreSQL cannot store); the same rule as the web's request filter (assessment/input_filter.py).
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# questionnaires/ at the top of the repository; in the wheel: assessment._questionnaires.
QUESTIONNAIRES = folder("assessment._questionnaires")
SCHEMA_PATH = QUESTIONNAIRES / "schema.json"
DEFAULT_QUESTIONNAIRE = QUESTIONNAIRES / "dts-2025.yaml"
# Who in a unit answers a question best (a question's ``respondent``); the schema lists the same.
RESPONDENTS = (
    "commandant",
    "staf-s1",
    "staf-s3",
    "staf-s4",
    "staf-s6",
    "informatiemanager",
    "cyber",
    "opleiding",
)


def shipped_files() -> list[Path]:
    """The questionnaire files shipped in questionnaires/ (every version), by name."""
    return sorted(QUESTIONNAIRES.glob("*.yaml"))


class QuestionnaireFileError(Exception):
    """A questionnaire file that cannot be used; ``messages`` name each place."""

    def __init__(self, source: str, messages: list[str]) -> None:
        self.source = source
        self.messages = messages
        super().__init__(f"{source}: " + "; ".join(messages))


@dataclass(frozen=True)
class Text:
    """A text in Dutch with an optional English translation."""

    nl: str
    en: str | None = None

    def get(self, language: str = "nl") -> str:
        """Return the text in ``language``; English falls back to Dutch."""
        if language == "en" and self.en:
            return self.en
        return self.nl


@dataclass(frozen=True)
class ScaleLevel:
    level: int
    label: Text
    description: Text


@dataclass(frozen=True)
class SourceSpec:
    """The passage of the DTS letter a question serves, and the speerpunt (theme key) it is in."""

    speerpunt: str
    quote: Text


@dataclass(frozen=True)
class TermSpec:
    """A glossary entry: an acronym or term and what it means."""

    term: str
    explanation: Text


@dataclass(frozen=True)
class ProfileSpec:
    """A kind of unit that a question can be tagged with (land, maritiem, ...)."""

    key: str
    label: Text


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: Text
    help: Text | None
    weight: float
    allow_not_applicable: bool
    levels: dict[int, Text]
    next_steps: dict[int, Text]
    # Since format version 2, all optional: why it matters, the letter's passage, who answers
    # best, the kinds of unit it applies to (empty: every kind) and what shows a level.
    why: Text | None = None
    source: SourceSpec | None = None
    respondent: str | None = None
    profiles: tuple[str, ...] = ()
    evidence: dict[int, Text] = field(default_factory=dict)


@dataclass(frozen=True)
class CapabilitySpec:
    key: str
    title: Text
    description: Text | None
    weight: float
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class ThemeSpec:
    key: str
    title: Text
    description: Text | None
    weight: float
    default_target: int
    capabilities: tuple[CapabilitySpec, ...]


@dataclass(frozen=True)
class QuestionnaireSpec:
    key: str
    version: int
    title: Text
    description: Text | None
    scale: tuple[ScaleLevel, ...]
    themes: tuple[ThemeSpec, ...]
    content_hash: str
    terms: tuple[TermSpec, ...] = ()
    profiles: tuple[ProfileSpec, ...] = ()
    # The YAML text as read, kept with the stored version (exchange packages carry it).
    source: str | None = field(default=None, compare=False, repr=False)

    @property
    def questions(self) -> Iterator[QuestionSpec]:
        for theme in self.themes:
            for capability in theme.capabilities:
                yield from capability.questions

    def summary(self) -> str:
        """One line that says what the file holds."""
        capabilities = sum(len(t.capabilities) for t in self.themes)
        return (
            f"{self.key} versie {self.version}: {len(self.themes)} thema's, "
            f"{capabilities} capabilities, {sum(1 for _ in self.questions)} vragen, "
            f"schaal {self.scale[0].level}–{self.scale[-1].level}"
        )


# libyaml's C parser where PyYAML was built with it (it reads the DTS file ten times faster).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader, but a key that occurs twice in one mapping is an error."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"sleutel {key!r} komt twee keer voor", key_node.start_mark
            )
        seen.add(key)
    return cast(dict[Any, Any], loader.construct_mapping(node))


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


@cache
def _schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def read_questionnaire(path: str | Path) -> QuestionnaireSpec:
    """Return the questionnaire in the file at ``path``; raise QuestionnaireFileError if unusable."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise QuestionnaireFileError(
                source, [f"het bestand is {size:,} bytes; de grens is 2 MB".replace(",", ".")]
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise QuestionnaireFileError(source, ["bestand niet gevonden"]) from None
    except IsADirectoryError:
        raise QuestionnaireFileError(source, ["dit is een map, geen bestand"]) from None
    except PermissionError:
        raise QuestionnaireFileError(source, ["geen leesrechten op dit bestand"]) from None
    return parse_questionnaire(data, source=source)


def parse_questionnaire(data: bytes | str, *, source: str = "<tekst>") -> QuestionnaireSpec:
    """Return the questionnaire in ``data`` (YAML); raise QuestionnaireFileError if unusable."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise QuestionnaireFileError(source, ["het bestand is groter dan 2 MB"])
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QuestionnaireFileError(source, [f"het bestand is geen UTF-8 (byte {exc.start})"]) from None
    try:
        _refuse_aliases(data)
        document = yaml.load(data, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f"regel {mark.line + 1}, kolom {mark.column + 1}: " if mark else ""
        raise QuestionnaireFileError(source, [f"{place}geen geldige YAML ({exc.problem})"]) from None
    except yaml.YAMLError as exc:
        raise QuestionnaireFileError(source, [f"geen geldige YAML ({exc})"]) from None

    document = _keys_to_str(document)
    messages = list(_schema_messages(document))
    if not messages:
        messages = list(_control_character_messages(document))
    if not messages:
        messages = list(_rule_messages(document))
    if messages:
        raise QuestionnaireFileError(source, messages)
    return replace(_build(document), source=data)


def _refuse_aliases(text: str) -> None:
    """A questionnaire needs no YAML aliases, and nested ones can make a file of a few hundred
    bytes expand to gigabytes ("billion laughs"): refuse them before anything is built. Nor does
    it nest deeper than MAX_DEPTH; a deeper file would exhaust Python's recursion limit later."""
    depth = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"de YAML is dieper genest dan {MAX_DEPTH} niveaus; een vragenlijst heeft er hoogstens 9",
                    cast(yaml.error.Mark, event.start_mark),
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.AliasEvent):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "YAML-aliassen (*naam) zijn niet toegestaan; schrijf de tekst voluit",
                cast(yaml.error.Mark, event.start_mark),  # libyaml's Mark has the same line and column
            )


def _keys_to_str(value: Any) -> Any:
    # JSON objects have string keys; YAML gives ints for "1:". The schema speaks JSON.
    if isinstance(value, dict):
        return {str(k): _keys_to_str(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_keys_to_str(v) for v in value]
    return value


def _place(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(bovenste niveau)"


def _schema_messages(document: Any) -> Iterator[str]:
    if not isinstance(document, dict):
        yield "het bestand moet een mapping zijn met key, version, title, scale en themes"
        return
    errors = sorted(_schema_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    seen = set()
    for error in errors:
        message = f"{_place(error.absolute_path)}: {_explain(error)}"
        if message not in seen:
            seen.add(message)
            yield message


def _explain(error: jsonschema.ValidationError) -> str:
    """Say in plain Dutch what a schema error means."""
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1]
        return f"'{missing}' ontbreekt"
    if validator == "additionalProperties":
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = set(schema.get("properties", {}))
        instance = error.instance if isinstance(error.instance, dict) else {}
        unknown = sorted(str(k) for k in instance if k not in known)
        return f"onbekend veld: {', '.join(unknown)} (toegestaan: {', '.join(sorted(known))})"
    if validator == "type":
        wanted = {
            "string": "een tekst",
            "integer": "een geheel getal",
            "number": "een getal",
            "array": "een lijst",
            "object": "een mapping",
            "boolean": "true of false",
        }
        return f"moet {wanted.get(str(error.validator_value), error.validator_value)} zijn"
    if validator == "oneOf":
        if isinstance(error.instance, dict) and "nl" not in error.instance:
            return "'nl' ontbreekt: de Nederlandse tekst is verplicht"
        return "moet een tekst zijn, of {nl: ..., en: ...} met niet-lege teksten"
    if validator == "pattern" and error.schema_path and "propertyNames" in error.schema_path:
        return f"{error.instance!r} is geen niveaunummer"
    if validator == "pattern":
        if error.instance == "" or (isinstance(error.instance, str) and not error.instance.strip()):
            return "mag niet leeg zijn"
        return (
            f"{error.instance!r} is geen geldige sleutel (kleine letters, cijfers en "
            "streepjes; begint met een letter)"
        )
    if validator == "enum":
        choices = ", ".join(str(choice) for choice in cast(list[Any], error.validator_value))
        return f"{error.instance!r} is niet toegestaan (kies uit: {choices})"
    if validator == "uniqueItems":
        return "bevat een waarde twee keer"
    if validator == "minItems":
        return f"moet minstens {error.validator_value} item(s) hebben"
    if validator == "maxItems":
        return f"mag hoogstens {error.validator_value} items hebben"
    if validator == "minLength":
        return "mag niet leeg zijn"
    if validator == "maxLength":
        return f"is langer dan {error.validator_value} tekens"
    if validator in {"minimum", "exclusiveMinimum"}:
        return (
            f"moet groter zijn dan {'of gelijk aan ' if validator == 'minimum' else ''}"
            f"{error.validator_value}"
        )
    if validator == "maximum":
        return f"mag hoogstens {error.validator_value} zijn"
    return error.message


def _control_character_messages(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[str]:
    """A place per text with a control character (the schema has fixed the depth by now)."""
    if isinstance(value, str):
        if _CONTROL_IN_TEXT.search(value):
            yield f"{_place(path)}: bevat een stuurteken (zoals NUL); dat is niet toegestaan"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _control_character_messages(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _control_character_messages(item, (*path, index))


def _rule_messages(document: dict[str, Any]) -> Iterator[str]:
    """The checks a JSON Schema cannot express."""
    levels = [item["level"] for item in document["scale"]]
    expected = list(range(1, len(levels) + 1))
    if levels != expected:
        yield (
            f"scale: de niveaus moeten 1 tot en met {len(levels)} zijn, op volgorde "
            f"(gevonden: {', '.join(map(str, levels))})"
        )
        return
    top = levels[-1]
    seen_keys: dict[str, dict[str, str]] = {"thema": {}, "capability": {}, "vraag": {}}
    theme_keys = {theme["key"] for theme in document["themes"]}
    profile_keys = [profile["key"] for profile in document.get("profiles", [])]
    for p, key in enumerate(profile_keys):
        if key in profile_keys[:p]:
            yield f"profiles[{p}].key: profiel-sleutel '{key}' komt al voor"
    terms = [item["term"].strip() for item in document.get("terms", [])]
    for i, term in enumerate(terms):
        if term in terms[:i]:
            yield f"terms[{i}].term: begrip '{term}' komt al voor"

    def duplicate(kind: str, key: str, place: str) -> Iterator[str]:
        if key in seen_keys[kind]:
            yield f"{place}.key: {kind}-sleutel '{key}' komt al voor bij {seen_keys[kind][key]}"
        else:
            seen_keys[kind][key] = place

    for t, theme in enumerate(document["themes"]):
        tplace = f"themes[{t}]"
        yield from duplicate("thema", theme["key"], tplace)
        target = theme.get("default_target")
        if target is not None and target > top:
            yield f"{tplace}.default_target: {target} ligt boven het hoogste niveau ({top})"
        for c, capability in enumerate(theme["capabilities"]):
            cplace = f"{tplace}.capabilities[{c}]"
            yield from duplicate("capability", capability["key"], cplace)
            for q, question in enumerate(capability["questions"]):
                qplace = f"{cplace}.questions[{q}]"
                yield from duplicate("vraag", question["key"], qplace)
                yield from _per_level_messages(f"{qplace}.levels", question["levels"], range(1, top + 1))
                yield from _per_level_messages(
                    f"{qplace}.next_steps",
                    question["next_steps"],
                    range(1, top),
                    extra_hint=f" (het hoogste niveau, {top}, heeft geen volgende stap)",
                )
                for level in sorted(int(k) for k in question.get("evidence", {})):
                    if level > top:
                        yield f"{qplace}.evidence: niveau {level} ligt boven het hoogste niveau ({top})"
                source = question.get("source")
                if source is not None and source["speerpunt"] not in theme_keys:
                    yield (
                        f"{qplace}.source.speerpunt: '{source['speerpunt']}' is geen thema van dit "
                        f"bestand (kies uit: {', '.join(sorted(theme_keys))})"
                    )
                for key in question.get("profiles", []):
                    if key not in profile_keys:
                        known = ", ".join(profile_keys) if profile_keys else "geen: voeg 'profiles' toe"
                        yield f"{qplace}.profiles: '{key}' staat niet in profiles (bekend: {known})"


def _per_level_messages(
    place: str, texts: dict[str, Any], wanted: range, extra_hint: str = ""
) -> Iterator[str]:
    present = {int(level) for level in texts}
    for level in wanted:
        if level not in present:
            yield f"{place}: niveau {level} ontbreekt"
    for level in sorted(present - set(wanted)):
        yield f"{place}: niveau {level} hoort er niet bij{extra_hint if level == wanted.stop else ''}"


def _text(value: Any) -> Text:
    if isinstance(value, str):
        return Text(nl=value.strip())
    en = value.get("en")
    return Text(nl=value["nl"].strip(), en=en.strip() if en else None)


def _optional_text(value: Any) -> Text | None:
    return None if value is None else _text(value)


def _build(document: dict[str, Any]) -> QuestionnaireSpec:
    scale = tuple(
        ScaleLevel(item["level"], _text(item["label"]), _text(item["description"]))
        for item in document["scale"]
    )
    middle = (len(scale) + 2) // 2  # 3 on a scale of 5, 2 on a scale of 3
    themes = tuple(
        ThemeSpec(
            key=theme["key"],
            title=_text(theme["title"]),
            description=_optional_text(theme.get("description")),
            weight=float(theme.get("weight", 1)),
            default_target=int(theme.get("default_target", middle)),
            capabilities=tuple(
                CapabilitySpec(
                    key=capability["key"],
                    title=_text(capability["title"]),
                    description=_optional_text(capability.get("description")),
                    weight=float(capability.get("weight", 1)),
                    questions=tuple(
                        QuestionSpec(
                            key=question["key"],
                            text=_text(question["text"]),
                            help=_optional_text(question.get("help")),
                            weight=float(question.get("weight", 1)),
                            allow_not_applicable=bool(question.get("allow_not_applicable", False)),
                            levels={int(k): _text(v) for k, v in question["levels"].items()},
                            next_steps={int(k): _text(v) for k, v in question["next_steps"].items()},
                            why=_optional_text(question.get("why")),
                            source=(
                                SourceSpec(
                                    question["source"]["speerpunt"], _text(question["source"]["quote"])
                                )
                                if "source" in question
                                else None
                            ),
                            respondent=question.get("respondent"),
                            profiles=tuple(question.get("profiles", ())),
                            evidence={int(k): _text(v) for k, v in question.get("evidence", {}).items()},
                        )
                        for question in capability["questions"]
                    ),
                )
                for capability in theme["capabilities"]
            ),
        )
        for theme in document["themes"]
    )
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return QuestionnaireSpec(
        key=document["key"],
        version=document["version"],
        title=_text(document["title"]),
        description=_optional_text(document.get("description")),
        scale=scale,
        themes=themes,
        content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        terms=tuple(
            TermSpec(item["term"].strip(), _text(item["explanation"])) for item in document.get("terms", [])
        ),
        profiles=tuple(
            ProfileSpec(item["key"], _text(item["label"])) for item in document.get("profiles", [])
        ),
    )
