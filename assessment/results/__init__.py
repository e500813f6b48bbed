"""The read side: stored data turned into figures for pages, the API, exports and PDFs.

Everything here returns plain, immutable data (never ORM objects) and takes its numbers from
``assessment.scoring``. Two process caches make it fast, and an explicit counter keeps them
fresh on every app server:

- a questionnaire version as plain data (``questionnaire.load``), built once per process per
  version and language: a loaded version is never edited;
- the scores of every assessment of a round (``services.round_figures``), kept per round and
  checked against ``Round.results_version``, which every service that changes an input of the
  round's figures raises in the same transaction (``rounds.services.raise_results_version``).
  A rebuild after one save scores only the assessments whose version changed.
"""
