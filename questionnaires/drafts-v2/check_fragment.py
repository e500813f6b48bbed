"""check_fragment.py FRAGMENT.yaml...: checks a v2 theme fragment (a YAML list of whole themes) against SPEC.md.
Prints every problem; exit 1 when there are any."""

import re
import sys

import yaml

RESPONDENTS = {
    "commandant",
    "staf-s1",
    "staf-s3",
    "staf-s4",
    "staf-s6",
    "informatiemanager",
    "cyber",
    "opleiding",
}
PROFILES = {"land", "maritiem", "lucht", "staf", "ondersteuning"}
problems = []


def sentences(text):
    return [s for s in re.split(r"(?<=[.?!;])\s+", text.strip()) if s]


def long(where, text):
    for s in sentences(text):
        if len(s.split()) > 18:
            problems.append(f"{where}: {len(s.split())} words: {s}")


def bilingual(where, value):
    if not isinstance(value, dict) or not value.get("nl") or not value.get("en"):
        problems.append(f"{where}: needs nl and en")
        return False
    return True


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as file:
        themes = yaml.safe_load(file)
    for theme in themes:
        for cap in theme["capabilities"]:
            for q in cap["questions"]:
                k = q["key"]
                if bilingual(f"{k}.text", q.get("text")):
                    long(f"{k}.text", q["text"]["nl"])
                    if q["text"]["nl"].count("?") != 1:
                        problems.append(f"{k}.text: one question mark please")
                bilingual(f"{k}.why", q.get("why"))
                src = q.get("source") or {}
                if src.get("speerpunt") != theme["key"] and src.get("speerpunt") is None:
                    problems.append(f"{k}.source.speerpunt missing")
                bilingual(f"{k}.source.quote", src.get("quote"))
                if q.get("respondent") not in RESPONDENTS:
                    problems.append(
                        f"{k}.respondent: {q.get('respondent')!r} not one of {sorted(RESPONDENTS)}"
                    )
                for p in q.get("profiles", []) or []:
                    if p not in PROFILES:
                        problems.append(f"{k}.profiles: {p}")
                levels = q.get("levels", {})
                if sorted(levels) != [1, 2, 3, 4, 5]:
                    problems.append(f"{k}.levels: need 1..5")
                for lv, t in levels.items():
                    if bilingual(f"{k}.levels.{lv}", t):
                        long(f"{k}.levels.{lv}", t["nl"])
                        if (
                            lv == 5
                            and re.search(r"\bsnel(ler)?\b", t["nl"])
                            and not re.search(r"binnen|uur|dag|dagen|week|weken|maand", t["nl"])
                        ):
                            problems.append(f"{k}.levels.5: 'snel' without a time frame")
                steps = q.get("next_steps", {})
                if sorted(steps) != [1, 2, 3, 4]:
                    problems.append(f"{k}.next_steps: need 1..4")
                for lv, t in steps.items():
                    if bilingual(f"{k}.next_steps.{lv}", t):
                        long(f"{k}.next_steps.{lv}", t["nl"])
                for lv, t in (q.get("evidence") or {}).items():
                    bilingual(f"{k}.evidence.{lv}", t)
                for field in ("text", "help"):
                    v = q.get(field) or {}
                    if "kazerne" in (v.get("nl") or "") and "schip" not in (v.get("nl") or ""):
                        problems.append(f"{k}.{field}: 'kazerne' only: fit ships, squadrons, staffs too")
print("\n".join(problems) or "no problems")
print(f"{len(problems)} problems")
sys.exit(1 if problems else 0)
