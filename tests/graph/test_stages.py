import pytest

from carepath import Interval, RangeParseError, parse_range
from carepath.graph.stages import format_week, parse_age

CASES = [
    ("Birth - 6 weeks", (0, 6)),
    ("1 week - 6/8 weeks", (1, 8)),
    ("8 weeks to 6 months", (8, 26)),
    ("6 months - 5 years", (26, 260)),
    ("up to two years postnatally", (0, 104)),
    ("within 19 months of childbirth", (0, 82)),
    ("within 24 months of childbirth", (0, 104)),
    ("conception to 3 years", (-40, 156)),
    ("All Age Groups", (-40, 260)),  # doc-001: its Preconception row has no cells
    ("Preconception", (-92, -40)),
    ("Pregnancy", (-40, 0)),
    ("1 - 5 years", (52, 260)),
    ("3 - 5 years", (156, 260)),
    ("Birth - 24 months", (0, 104)),
    ("birth – 1 year", (0, 52)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse_range_reads_the_documents_phrases(text, expected):
    assert parse_range(text) == Interval(*expected)


@pytest.mark.parametrize("text", ["soon-ish", "", "6 months", "two - three", "weeks - birth"],
                         ids=["nonsense", "empty", "single-point", "no-unit", "no-number"])
def test_unreadable_range_is_a_clear_error(text):
    with pytest.raises(RangeParseError, match="age range|no unit|cannot read"):
        parse_range(text)


def test_end_before_start_is_an_error():
    with pytest.raises(RangeParseError, match="ends before it starts"):
        parse_range("6 months - 2 weeks")


def test_canonical_stage_names_resolve_through_the_stage_table():
    assert parse_range("2-6 months", stages={"2-6 months": Interval(8, 26)}) == Interval(8, 26)


def test_intervals_are_half_open():
    assert not Interval(0, 6).overlaps(Interval(6, 8))
    assert Interval(0, 7).overlaps(Interval(6, 8))
    assert Interval(0, 6).contains_week(0) and not Interval(0, 6).contains_week(6)


def test_format_week_reads_naturally():
    assert [format_week(w) for w in (-92, 8, 26, 52, 156)] == [
        "92 weeks before birth", "8 weeks", "6 months", "1 year", "3 years"]


@pytest.mark.parametrize(("age", "weeks"), [
    pytest.param("4m", 17, id="months-short"),
    pytest.param("6/52", 6, id="clinical-weeks"),
    pytest.param("4/12", 17, id="clinical-months"),
    pytest.param("1y", 52, id="year-short"),
    pytest.param("6 weeks postpartum", 6, id="postpartum"),
    pytest.param("12 weeks gestation", -28, id="gestation"),
    pytest.param("pregnancy", -20, id="pregnancy-middle"),
])
def test_ages_as_planners_write_them(age, weeks):
    assert parse_age(age) == weeks
