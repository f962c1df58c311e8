"""The micro-credential framework's checks on an entry, against the site's policy."""

from __future__ import annotations

from ..fields import number_label
from ..i18n import N_
from ..model import Check, Credential
from .settings import Policy

# Each framework check's line, with the numbers of the site's policy filled in where shown.
CHECK_LABELS = {
    "issuer": N_("Issued by an institution"),
    "assessment": N_("Summative assessment described"),
    "skills": N_("Skills mapped to a framework"),
    "partner": N_("Endorsed by an industry or employer partner"),
    "hours": N_("%(low)s to %(high)s learning hours"),
    "weeks": N_("%(weeks)s weeks or less"),
}


def framework_checks(entry: Credential, policy: Policy) -> list[Check]:
    """Check an entry against the micro-credential framework and the site's policy."""
    words = len(entry.assessment.split())
    mapped = bool(entry.framework) or any(s.uri for s in entry.skills)
    hours, weeks = number_label(entry.hours), number_label(entry.weeks)
    lo, hi = number_label(policy.min_hours), number_label(policy.max_hours)
    numbers = {
        "hours": {"low": policy.min_hours, "high": policy.max_hours},
        "weeks": {"weeks": policy.max_weeks},
    }

    def check(key: str, ok: bool, detail: str, field: str) -> Check:
        values = numbers.get(key, {})
        label = CHECK_LABELS[key] % {k: number_label(v) for k, v in values.items()}
        return Check(key, label, ok, detail, field, values)

    return [
        check("issuer", bool(entry.issuer), "an issuer is required", "issuer"),
        check(
            "assessment",
            words >= policy.min_assessment_words,
            f"describe the summative assessment in at least {policy.min_assessment_words} "
            f"words; it has {words}",
            "assessment",
        ),
        check(
            "skills",
            mapped or not policy.require_framework,
            "name the competency framework they map to: add a framework field, or a uri per skill",
            "skills",
        ),
        check(
            "partner",
            bool(entry.partners) or not policy.require_partner,
            "no endorsing partner is listed",
            "partners",
        ),
        check(
            "hours",
            policy.min_hours <= entry.hours <= policy.max_hours,
            f"{hours} hours is outside the {lo} to {hi} the framework expects",
            "hours",
        ),
        check(
            "weeks",
            entry.weeks <= policy.max_weeks,
            f"{weeks} weeks is longer than the {number_label(policy.max_weeks)} the framework "
            "expects",
            "weeks",
        ),
    ]
