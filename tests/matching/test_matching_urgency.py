"""The platform's own urgency words ('1-2 dagen', 'deze week') weigh in the batch."""

from matching.batch import _urgency


def test_platform_urgency_values_are_boosted():
    assert _urgency("1-2 dagen") > _urgency("deze week") > _urgency("geen haast") == 1.0
