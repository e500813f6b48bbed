"""The DTS questionnaire, its JSON Schema and its description. Shipped in the wheel as
``assessment._questionnaires`` (see pyproject.toml); ``assessment.questionnaires.fileformat``
finds them through importlib.resources."""
