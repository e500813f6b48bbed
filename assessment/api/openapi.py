"""The OpenAPI 3.1 description of ``/api/v1/`` (served at ``/api/v1/openapi.json``).

Its schemas are JSON Schema 2020-12, so the tests validate every endpoint's answer against them.
"""

from __future__ import annotations

from typing import Any

NUMBER_OR_NULL = {"type": ["number", "null"]}
INTEGER_OR_NULL = {"type": ["integer", "null"]}
STRING_OR_NULL = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


STATUSES = ["draft", "submitted", "returned", "approved"]

LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": (
        "Language of questionnaire texts and messages; default from `Accept-Language`, else `nl`. "
        "Any other value, or more than one, is a 400."
    ),
    "schema": {"enum": ["nl", "en"]},
}
ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "Used when `lang` is not given, e.g. `en-GB,en;q=0.9`; `nl` and `en` are served.",
    "schema": {"type": "string"},
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {
            "status": {"type": "integer"},
            "message": {"type": "string"},
            "reference": {
                "type": "string",
                "pattern": "^[0-9a-f]{8}$",
                "description": "With a 500 only: the reference of the error in the server's log.",
            },
        },
    },
    "Round": {
        "type": "object",
        "required": ["code", "name", "status", "questionnaire", "opens_on", "closes_on"],
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "status": {"enum": ["planned", "open", "closed"]},
            "questionnaire": {
                "type": "object",
                "required": ["key", "version"],
                "properties": {"key": {"type": "string"}, "version": {"type": "integer"}},
            },
            "opens_on": {"type": ["string", "null"], "format": "date"},
            "closes_on": {"type": ["string", "null"], "format": "date"},
        },
    },
    "RoundList": {
        "type": "object",
        "required": ["rounds"],
        "properties": {"rounds": {"type": "array", "items": _ref("Round")}},
    },
    "ThemeScore": {
        "type": "object",
        "required": ["key", "title", "score", "attained_level", "target", "gap", "completeness"],
        "properties": {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "score": NUMBER_OR_NULL,
            "attained_level": INTEGER_OR_NULL,
            "target": {"type": "number"},
            "gap": NUMBER_OR_NULL,
            "completeness": {"type": "number", "minimum": 0, "maximum": 1},
        },
    },
    "UnitScores": {
        "type": "object",
        "required": ["unit", "assessment_id", "status", "completeness", "score", "attained_level", "themes"],
        "properties": {
            "unit": {
                "type": "object",
                "required": ["code", "name"],
                "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
            },
            "assessment_id": {"type": "integer"},
            "status": {"enum": STATUSES},
            "completeness": {"type": "number", "minimum": 0, "maximum": 1},
            "score": NUMBER_OR_NULL,
            "attained_level": INTEGER_OR_NULL,
            "themes": {"type": "array", "items": _ref("ThemeScore")},
        },
    },
    "RoundScores": {
        "type": "object",
        "required": ["round", "units"],
        "properties": {"round": _ref("Round"), "units": {"type": "array", "items": _ref("UnitScores")}},
    },
    "Answer": {
        "type": "object",
        "required": ["question_key", "number", "level", "not_applicable", "comment", "updated_at"],
        "properties": {
            "question_key": {"type": "string"},
            "number": STRING_OR_NULL,
            "level": INTEGER_OR_NULL,
            "not_applicable": {"type": "boolean"},
            "comment": {"type": "string"},
            "updated_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "Assessment": {
        "allOf": [
            _ref("UnitScores"),
            {
                "type": "object",
                "required": ["round", "version", "submitted_at", "percent_to_target", "answers"],
                "properties": {
                    "round": _ref("Round"),
                    "version": {"type": "integer"},
                    "submitted_at": {"type": ["string", "null"], "format": "date-time"},
                    "percent_to_target": NUMBER_OR_NULL,
                    "answers": {"type": "array", "items": _ref("Answer")},
                },
            },
        ]
    },
    "Distribution": {
        "type": "object",
        "required": ["n", "min", "q1", "median", "q3", "max"],
        "properties": {
            "n": {"type": "integer"},
            "min": NUMBER_OR_NULL,
            "q1": NUMBER_OR_NULL,
            "median": NUMBER_OR_NULL,
            "q3": NUMBER_OR_NULL,
            "max": NUMBER_OR_NULL,
        },
    },
    "Benchmark": {
        "type": "object",
        "required": ["round", "assessments", "minimum_units", "overall", "themes"],
        "properties": {
            "round": _ref("Round"),
            "assessments": {"type": "integer"},
            "minimum_units": {"type": "integer"},
            "overall": _ref("Distribution"),
            "themes": {
                "type": "array",
                "items": {
                    "allOf": [
                        _ref("Distribution"),
                        {
                            "type": "object",
                            "required": ["key", "title", "capabilities"],
                            "properties": {
                                "key": {"type": "string"},
                                "title": {"type": "string"},
                                "capabilities": {
                                    "type": "array",
                                    "items": {
                                        "allOf": [
                                            _ref("Distribution"),
                                            {
                                                "type": "object",
                                                "required": ["key", "title"],
                                                "properties": {
                                                    "key": {"type": "string"},
                                                    "title": {"type": "string"},
                                                },
                                            },
                                        ]
                                    },
                                },
                            },
                        },
                    ]
                },
            },
        },
    },
}

ROUND_CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"},
    "example": "2026-1",
}
# Every operation can answer these; 404 and 403 are added where they apply.
COMMON_ERRORS = {
    "400": _error(
        "A query parameter or the path is not as described (an unknown `lang`, a control character such as NUL)"
    ),
    "401": _error("Not logged in and no valid token"),
    "500": _error(
        "An error on the server's side; nothing was changed. The message and `reference` give a "
        "code to quote when reporting it; the server's log has the same code."
    ),
    "429": {
        **_error(
            "Too many requests with a token that is not valid from this address (20 a minute, 100 an hour)"
        ),
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 1}}
        },
    },
}
NOT_FOUND_ROUND = {"404": _error("No round with this code")}
ASSESSMENT_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "An assessment's id; one that does not exist or that you may not see is a 404.",
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "DTS Volwassenheidsscan API",
        "version": "1",
        "description": (
            "Read-only. Same roles and access rules as the web pages. Authenticate with the session "
            "cookie of a logged-in user or with `Authorization: Bearer <token>` (a personal token that "
            "an admin issues and revokes). Scores have one decimal, as on the pages and in the PDF reports.\n\n"
            "Language: questionnaire texts (speerpunt and capability titles) and error messages come in "
            "Dutch (`nl`, the default) or English (`en`). Every endpoint takes `?lang=nl|en`; without it "
            "the `Accept-Language` header decides. The interface language that a user chose in the web "
            "pages does not apply to the API. A text that the questionnaire has no English for stays "
            "Dutch. Numbers, dates, codes and status values are the same in both languages.\n\n"
            'Errors: every error answer is JSON, `{"status": <code>, "message": "..."}`, with '
            "the message in the language of the request. Each operation lists the statuses it can "
            "give. Only `GET` (and `HEAD`, `OPTIONS`) is served: any other method is a 405 with an "
            "`Allow` header naming the methods that are. The API is read-only, so it never answers "
            "409."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/rounds": {
            "get": {
                "summary": "All rounds with their status and questionnaire version",
                "operationId": "listRounds",
                "parameters": [LANG, ACCEPT_LANGUAGE],
                "responses": {"200": _ok("The rounds, newest first", "RoundList"), **COMMON_ERRORS},
            }
        },
        "/rounds/{code}/scores": {
            "get": {
                "summary": "Per unit: status, completeness, overall and per-speerpunt score, attained level, target and gap",
                "description": "For transformation leads, coordinators and admins.",
                "operationId": "roundScores",
                "parameters": [
                    ROUND_CODE,
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "description": "Only assessments in these statuses (repeat the parameter); default all.",
                        "schema": {"type": "array", "items": {"enum": STATUSES}},
                        "style": "form",
                        "explode": True,
                    },
                    LANG,
                    ACCEPT_LANGUAGE,
                ],
                "responses": {
                    "200": _ok("Scores per unit", "RoundScores"),
                    **COMMON_ERRORS,
                    "400": _error("An unknown `status` or `lang`"),
                    "403": _error("Not for representatives"),
                    **NOT_FOUND_ROUND,
                },
            }
        },
        "/assessments/{id}": {
            "get": {
                "summary": "One assessment with its scores and answers",
                "description": "For the unit's representative, and for leads, coordinators and admins.",
                "operationId": "getAssessment",
                "parameters": [
                    ASSESSMENT_ID,
                    LANG,
                    ACCEPT_LANGUAGE,
                ],
                "responses": {
                    "200": _ok("The assessment", "Assessment"),
                    **COMMON_ERRORS,
                    "404": _error("No assessment with this id, or not one you may see"),
                },
            }
        },
        "/rounds/{code}/benchmark": {
            "get": {
                "summary": "Defensie-wide figures of the round (submitted and approved assessments)",
                "description": (
                    "A scope with fewer than `minimum_units` units shows only its count. `min` and "
                    "`max` are single units' scores: null for representatives, who get the median "
                    "and quartiles only."
                ),
                "operationId": "roundBenchmark",
                "parameters": [ROUND_CODE, LANG, ACCEPT_LANGUAGE],
                "responses": {"200": _ok("The benchmark", "Benchmark"), **COMMON_ERRORS, **NOT_FOUND_ROUND},
            }
        },
    },
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token (dts_...)"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
        # Not tied to an operation (an operation is one method): what every path answers to a
        # method it does not serve.
        "responses": {
            "MethodNotAllowed": {
                "description": "405: a method the path does not serve",
                "headers": {
                    "Allow": {
                        "description": "The methods the path serves, e.g. `GET, HEAD, OPTIONS`",
                        "schema": {"type": "string"},
                    }
                },
                "content": {"application/json": {"schema": _ref("Error")}},
            }
        },
    },
}
