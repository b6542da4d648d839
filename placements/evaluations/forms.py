"""The evaluation form, and the words for the codes of placements/evaluations/rules.py.

The form only reads the radio groups (`score-<criterion>`) and the comments; the service checks
them, so the portal, the e-mail link and a future API give the same messages.
"""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField

from core.labels import CRITERION_LABELS, EVALUATION_KIND_LABELS
from placements.evaluations.rules import CRITERIA, SCORE_MEANINGS, SCORES
from placements.models import Evaluation

CRITERION_HINTS = {
    "conversation": _l("Listens well, asks good questions and explains things clearly to clients."),
    "law_and_pip": _l(
        "Knows the rules of civic integration, the broad intake, the routes and the personal plan."
    ),
    "cultural_sensitivity": _l("Understands and respects differences in culture and background."),
    "dutch_at_work": _l("Speaks and writes Dutch well enough for the work."),
    "independence": _l("Plans their own work, takes initiative and asks for help in time."),
    "cooperation": _l("Works well with colleagues and partners, keeps agreements."),
}

SCORE_LABELS = {
    "not_yet_sufficient": _l("Not yet sufficient"),
    "almost_sufficient": _l("Almost sufficient"),
    "sufficient": _l("Sufficient"),
    "good": _l("Good"),
    "excellent": _l("Excellent"),
}

KIND_LABELS = EVALUATION_KIND_LABELS  # the name the evaluation views use


def score_label(score: int) -> str:
    """E.g. "4 – Good"."""
    return f"{score} – {SCORE_LABELS[SCORE_MEANINGS[score]]}"


def score_field(code: str) -> str:
    return f"score-{code}"


def _score_choices() -> list[tuple[str, str]]:
    return [(str(score), score_label(score)) for score in SCORES]


class EvaluationForm(FlaskForm):
    comments = TextAreaField(
        _l("What goes well, and what can the intern improve?"),
        description=_l("Write a few sentences. The intern can read this. At most 5000 characters."),
        render_kw={"rows": 8},
    )

    def scores(self) -> dict[str, str | None]:
        return {code: self[score_field(code)].data for code in CRITERIA}


# One radio group per criterion, named like the service's error fields, so errors land next to it.
for _code in CRITERIA:
    setattr(
        EvaluationForm,
        score_field(_code),
        RadioField(
            CRITERION_LABELS[_code],
            choices=_score_choices,
            validate_choice=False,  # the service says what is wrong, in the same words everywhere
            description=CRITERION_HINTS[_code],
        ),
    )


def evaluation_form(existing: Evaluation | None) -> EvaluationForm:
    """The form with what was posted, or on a first visit with the earlier answers, if any."""
    if request.method == "POST" or existing is None:
        return EvaluationForm()
    initial = {score_field(code): str(value) for code, value in existing.scores.items()}
    return EvaluationForm(data={**initial, "comments": existing.comments})
