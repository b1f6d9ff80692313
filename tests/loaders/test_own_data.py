"""Bringing your own area: one copied area file, or a copy of the bundled data folder,
edited, validated and compared with ``diff`` (issue 23, section 2)."""

import shutil

import pytest

from carepath.loaders import bundled_data_dir, load_with_warnings, validate

from ..cli.invoke import cli


@pytest.fixture
def data_copy(tmp_path):
    """A copy of the bundled data folder, as a planner starts one."""
    copy = tmp_path / "mydata"
    shutil.copytree(bundled_data_dir(), copy, ignore=shutil.ignore_patterns("*.py", "__*"))
    return copy


def test_one_copied_area_file_takes_the_bundled_sources_it_cites(tmp_path):
    area = tmp_path / "my-area" / "dorset.yaml"
    area.parent.mkdir()
    shutil.copy(bundled_data_dir() / "areas" / "dorset.yaml", area)
    result = cli("validate", str(area), "--no-shacl")
    assert result.exit_code == 0, result.stderr
    assert "valid: 1 areas" in result.stdout and result.stderr == ""
    model, _ = load_with_warnings(area)
    assert sorted(model.sources) == ["doc-002"]  # only the documents its facts cite


def test_a_problem_repeated_on_many_lines_is_said_once_and_counted(tmp_path):
    text = (bundled_data_dir() / "areas" / "dorset.yaml").read_text(encoding="utf-8")
    area = tmp_path / "dorset.yaml"
    area.write_text(text.replace("source: doc-002", "source: doc-02"), encoding="utf-8")
    cited = len(validate(area))  # every fact citing the file's source, each a problem
    assert cited > 50
    for command in (("validate", str(area), "--no-shacl"),
                    ("diff", str(area), str(bundled_data_dir() / "areas" / "dorset.yaml"))):
        result = cli(*command)
        assert result.exit_code == 1
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, errors
        assert "unknown source 'doc-02' (did you mean 'doc-002'" in errors[0]
        assert f"the same on {cited - 1} more lines" in errors[0]


def test_a_copy_of_the_data_folder_is_no_duplicate_of_the_bundled_vocabularies(data_copy,
                                                                               reference):
    result = cli("validate", str(data_copy), "--no-shacl")
    assert result.exit_code == 0, result.stderr
    assert "duplicate" not in result.stderr and result.stderr == ""
    assert (f"valid: {len(reference.areas)} areas, {len(reference.services)} services"
            in result.stdout)


def test_a_changed_vocabulary_entry_is_the_folders_version_said_once(data_copy):
    vocab = data_copy / "vocabularies.yaml"
    vocab.write_text(vocab.read_text(encoding="utf-8").replace(
        "name: Universal services", "name: Universal services for all"), encoding="utf-8")
    model, warnings = load_with_warnings(data_copy)
    assert model.tiers["universal"].name == "Universal services for all"
    assert [w.code for w in warnings] == ["replaces-bundled"]
    assert "tier 'universal'" in warnings[0].message and warnings[0].file == str(vocab)


def test_copy_edit_compare_with_diff(data_copy):
    area = data_copy / "areas" / "dorset.yaml"
    area.write_text(area.read_text(encoding="utf-8").replace(
        'within: "28 days"', 'within: "21 days"'), encoding="utf-8")
    result = cli("diff", str(bundled_data_dir()), str(data_copy), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "duplicate" not in result.stderr
    assert "21 days" in result.stdout and "dorset-pmmhs" in result.stdout


def test_two_folders_bringing_the_same_sources_are_no_duplicates_but_a_clash_is(tmp_path):
    same = tmp_path / "same.yaml"
    same.write_text("sources:\n  - {id: s1, title: One}\n", encoding="utf-8")
    other = tmp_path / "other" / "same.yaml"
    other.parent.mkdir()
    other.write_text("sources:\n  - {id: s1, title: One}\n", encoding="utf-8")
    area = tmp_path / "area.yaml"
    area.write_text("source: s1\narea: {id: a, name: A}\nservices:\n  - {id: a-x, name: X}\n",
                    encoding="utf-8")
    assert [p for p in validate(same, other, area) if p.level == "error"] == []
    other.write_text("sources:\n  - {id: s1, title: Another}\n", encoding="utf-8")
    assert [p.code for p in validate(same, other, area)] == ["duplicate-id"]
