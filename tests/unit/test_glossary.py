"""Glossary terms in questionnaire texts: each term is explained at its first use, as an
<abbr> with the explanation in its title, and nothing of the text or the explanation can
break out of the page."""

from __future__ import annotations

from assessment.results.glossary import mark_terms

TERMS = {"DMO": "Defensie Materieel Organisatie", "C2": "Command and control", "APP-6": "NAVO-symbolen"}


def test_the_first_use_over_all_texts_is_marked_and_later_ones_are_not():
    marked = mark_terms(["De DMO levert.", None, "Vraag de DMO om C2."], TERMS)
    assert marked == [
        'De <abbr title="Defensie Materieel Organisatie">DMO</abbr> levert.',
        None,
        'Vraag de DMO om <abbr title="Command and control">C2</abbr>.',
    ]


def test_a_term_matches_as_a_whole_word_only():
    assert mark_terms(["DMOX en XDMO en APP-6b, maar APP-6."], TERMS) == [
        'DMOX en XDMO en APP-6b, maar <abbr title="NAVO-symbolen">APP-6</abbr>.'
    ]


def test_text_and_explanation_are_escaped():
    (marked,) = mark_terms(['<b>DMO</b> & "x"'], {"DMO": 'Zegt "hoi" <script>'})
    assert marked == (
        '&lt;b&gt;<abbr title="Zegt &#34;hoi&#34; &lt;script&gt;">DMO</abbr>&lt;/b&gt; &amp; &#34;x&#34;'
    )


def test_without_terms_the_texts_are_only_escaped():
    assert mark_terms(["a < b", None], {}) == ["a &lt; b", None]
