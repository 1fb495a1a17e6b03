"""Language detection: offline, ISO 639-1 only, unknown when too short."""

from api.extraction.language import detect_language


def test_detects_common_languages() -> None:
    assert detect_language("The committee approved the new budget after a long debate.") == "en"
    assert detect_language("Die Regierung hat am Montag einen neuen Haushalt beschlossen.") == "de"


def test_results_table_is_still_english() -> None:
    table = (
        "1. Maria Lindqvist (Sweden) 12.71 seconds\n"
        "2. Ana Ruiz (Spain) 12.74\n"
        "3. Ola Berg (Norway) 12.80"
    )
    assert detect_language("Women's 100 metres hurdles results:\n" + table) == "en"


def test_never_a_three_letter_code_that_the_full_model_prefers() -> None:
    # The full model calls this fixture list Nigerian Pidgin (pcm); the API speaks ISO 639-1.
    fixtures = (
        "June 3 v Duke of Norfolk's XI (at Arundel)\n"
        "June 5 v Northampton\n"
        "June 6 v Worcestershire\n"
        "June 8 v Durham"
    )
    assert detect_language(fixtures) == "en"


def test_too_short_is_unknown() -> None:
    assert detect_language("Ok.") is None
