"""The importer against the template's variation: variants made from the Italy text by the changes
real PDF conversions show (page banners absent or extra, tables and cells split across pages,
Markdown or no markup, runs of blank lines, no regional policy, one NUTS-2 region, a non-EU
country, a missing table). Each gives the same tables as the Italy text, the tables the change
implies, or a clear review entry."""
from __future__ import annotations

import re

import pytest

from eccp_kg.pipeline import check_sources
from eccp_kg.graph.errors import SourceError
from tests.importing import CORRECTIONS, FACTSHEET, factsheet_fields, fill_by_hand, run_import, tables

TEXT = FACTSHEET.read_text(encoding="utf-8")
LINES = TEXT.split("\n")
BANNER = ["", "EUROPEAN CLUSTER  ", "COLLABORATION PLATFORM", "", "Strengthening the European economy through collaboration", ""]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The Italy text imported as it is: what the variants are compared with."""
    result = run_import(TEXT, tmp_path_factory.mktemp("baseline"))
    return tables(result.folder)


def _line(prefix: str) -> int:
    """Index of the first line starting with `prefix`."""
    return next(i for i, ln in enumerate(LINES) if ln.startswith(prefix))


def _review(result) -> str:
    return result.report.read_text(encoding="utf-8")


def test_without_page_banners_the_tables_are_the_same(tmp_path, baseline):
    out, skip = [], False
    for i, ln in enumerate(LINES):
        if ln.strip() in ("EUROPEAN CLUSTER", "COLLABORATION PLATFORM",
                          "Strengthening the European economy through collaboration"):
            continue
        if re.fullmatch(r"# 0[1-9]", ln):
            skip = True  # chapter cover: number and title
            continue
        if skip and ln.startswith("## "):
            skip = False
            continue
        out.append(ln)
    result = run_import("\n".join(out), tmp_path)
    assert tables(result.folder) == baseline
    assert "tagline" not in factsheet_fields(result.folder)  # the tagline is only printed in the banner


def test_a_table_split_across_pages_with_its_header_repeated(tmp_path, baseline):
    header1, header2 = LINES[_line("Region\tNumber of agg.")], LINES[_line("Region\tNumber of agglomerations")]
    t1 = _line("<b>ITF1: Abruzzo")  # Table 1
    t2 = next(i for i in range(_line("Region\tNumber of agglomerations"), len(LINES))
              if LINES[i].startswith("<b>ITF5: Basilicata"))  # Table 2
    # Table 1: a banner and a page number, then the header again; Table 2: a form feed (pdftotext's page break)
    lines = (LINES[:t1] + BANNER + ["12", "", header1] + LINES[t1:t2] + ["\f" + header2] + LINES[t2:])
    result = run_import("\n".join(lines), tmp_path)
    assert tables(result.folder) == baseline
    assert "Repeated table header rows (after page breaks) | 16 |" in _review(result)


def test_a_cell_split_across_pages_is_joined_and_reported(tmp_path, baseline):
    i = _line(" <b>BUDGET</b>")
    cells = LINES[i].split("\t")
    assert cells[2] == "The 12 national clusters were supported with funds totalling EUR 310 million."
    first = cells[:2] + ["The 12 national clusters were supported with funds"] + cells[3:]
    header = LINES[i - 3:i - 1]
    assert header[0].startswith("Policy type:")
    lines = LINES[:i] + ["\t".join(first)] + BANNER + header + ["\t\ttotalling EUR 310 million.\t"] + LINES[i + 1:]
    result = run_import("\n".join(lines), tmp_path)
    assert tables(result.folder) == baseline
    cont = i + 1 + len(BANNER) + len(header) + 1
    assert re.search(rf"- line {cont}: Table 3, National cluster policy column cell continued from line {i + 1}: "
                     r"'….*supported with funds' \+ 'totalling EUR 310 million\.…'", _review(result))


def test_a_paragraph_split_across_pages_is_joined_and_reported(tmp_path, baseline):
    i = _line("Economic activity, and therefore employment")
    text = LINES[i]
    cut = text.index(" is not equally distributed")
    lines = LINES[:i] + [text[:cut]] + BANNER + [text[cut + 1:]] + LINES[i + 1:]
    result = run_import("\n".join(lines), tmp_path)
    assert tables(result.folder) == baseline
    assert re.search(rf"- line {i + 1 + len(BANNER) + 1}: paragraph continued from line {i + 1}", _review(result))


def test_a_paragraph_ending_its_sentence_before_a_page_break_stays_two(tmp_path, baseline):
    i = _line("Economic activity, and therefore employment")
    text = LINES[i]
    cut = text.index(" Specialisation can be measured")
    lines = LINES[:i] + [text[:cut]] + BANNER + [text[cut + 1:]] + LINES[i + 1:]
    result = run_import("\n".join(lines), tmp_path)
    got = tables(result.folder)["paragraphs"]
    assert len(got) == len(baseline["paragraphs"]) + 1
    assert "paragraph continued" not in _review(result)


def _markdown(line: str) -> str:
    return re.sub(r"<b>(.*?)</b>", r"**\1**", line)


def _pipes(line: str) -> str:
    return "| " + " | ".join(c.strip() for c in line.split("\t")) + " |"


def test_markdown_bold_and_pipe_tables_give_the_same_tables(tmp_path, baseline):
    out = []
    in_table = False
    for ln in LINES:
        if ln.startswith("**Table 1:") or ln.startswith("**Table 2:") or ln.startswith("**Table 4:"):
            in_table, first = True, True
        elif ln.startswith("Source:"):
            in_table = False
        if in_table and "\t" in ln:
            out.append(_pipes(_markdown(ln)))
            if first:
                out.append("|" + "---|" * len(ln.split("\t")))
                first = False
            continue
        out.append(_markdown(ln) if "\t" in ln else ln)
    result = run_import("\n".join(out), tmp_path)
    assert tables(result.folder) == baseline


def _no_markup(line: str) -> str:
    line = re.sub(r"^#+\s*", "", line)
    line = re.sub(r"<sup>([0-9]+)</sup>", r"\1", line)
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"<[^>]+>", " ", line).replace("**", "")
    return "\t".join(" ".join(c.split()) for c in line.split("\t")) if "\t" in line else line.rstrip()


def test_without_markup_plain_tables_are_the_same_and_the_rest_is_reviewed(tmp_path, baseline):
    result = run_import("\n".join(_no_markup(ln) for ln in LINES), tmp_path)
    got = tables(result.folder)
    for name in ("sectoral_agglomeration_counts", "sectoral_agglomerations", "ecosystem_agglomeration_counts",
                 "ecosystem_agglomerations", "state_of_play", "cluster_organisations_by_ecosystem",
                 "programme_partner_countries", "euroclusters", "framework_criteria"):
        assert got[name] == baseline[name], name
    # headings without '#' still open the template's sections and sub-sections
    assert {r["section"] for r in got["paragraphs"].values()} == {r["section"] for r in baseline["paragraphs"].values()}
    assert len(got["state_of_play_assessments"]) == 4
    assert [r["number"] for r in got["footnotes"].values()] == [str(n) for n in range(1, 8)]
    review = _review(result)
    assert "text begins with a standardised category but is not marked bold" in review
    assert "categorical variables are printed without markup between them" in review
    assert "its marker was not found" in review


def test_runs_of_blank_lines_change_nothing(tmp_path, baseline):
    text = "\n".join(ln + ("\n\n\n" if "\t" in ln else "") for ln in LINES).replace("\n\n", "\n\n\n\n\n")
    result = run_import(text, tmp_path)
    assert tables(result.folder) == baseline


def test_a_country_without_a_regional_policy(tmp_path, baseline):
    start, end = _line("**Table 3:"), _line("# 04")
    lines = list(LINES)
    for i in range(start, end):
        cells = lines[i].split("\t")
        if len(cells) >= 3 and "RESPONSIBLE AUTHORITIES" not in cells[1]:
            lines[i] = "\t".join(cells[:-1])
    result = run_import("\n".join(lines), tmp_path)
    got = tables(result.folder)
    national = "cluster-tecnologici-nazionali-national-technology-clusters"
    assert list(got["policies"]) == [(national,)]
    for name in ("policy_cells", "policy_clusters"):
        assert got[name] == {k: v for k, v in baseline[name].items() if k[0] == national}, name
    assert got["sectoral_agglomerations"] == baseline["sectoral_agglomerations"]


def test_a_country_with_one_nuts2_region(tmp_path, baseline):
    lines = [ln for ln in LINES if not (ln.startswith("<b>IT") and not ln.startswith("<b>ITC1:"))]
    result = run_import("\n".join(lines), tmp_path)
    got = tables(result.folder)
    assert list(got["sectoral_agglomeration_counts"]) == [("ITC1",)]
    assert got["sectoral_agglomerations"] == {k: v for k, v in baseline["sectoral_agglomerations"].items()
                                              if k[0] == "ITC1"}
    assert list(got["ecosystem_agglomerations"]) == [("ITC1", "1"), ("ITC1", "2")]
    # Lombardy is no longer a region of Tables 1-2: the regional policy's region is left to a person
    assert got["policies"][("regional-technology-clusters-lombardy",)]["nuts_code"] == ""
    assert "nuts_code of regional policy 'Regional Technology clusters (Lombardy)'" in _review(result)


def test_a_non_eu_country(tmp_path, baseline):
    text = TEXT.replace("Italy", "Norway").replace("Italian", "Norwegian")
    text = re.sub(r"<b>IT([A-Z0-9]{2}):", r"<b>NO\1:", text)
    result = run_import(text, tmp_path, country="NO", edition="2024", corrections=CORRECTIONS)
    assert result.folder.parts[-2:] == ("no", "2024")
    fields = factsheet_fields(result.folder)
    assert (fields["country_code"], fields["country_name"], fields["edition"]) == ("NO", "Norway", "2024")
    got = tables(result.folder)
    assert [k[0] for k in got["sectoral_agglomeration_counts"]] == [
        "NO" + k[0][2:] for k in baseline["sectoral_agglomeration_counts"]]
    assert len(got["policy_cells"]) == len(baseline["policy_cells"])
    fill_by_hand(result.folder)
    _sources, outcome = check_sources(result.folder.parents[1], None, None)
    assert outcome.ok, outcome.format()


@pytest.mark.parametrize("caption, section", [("**Table 1:", "## 2.2 "), ("**Table 3:", "### 3. "),
                                              ("**Table 5: Analytical", "## Annex")])
def test_a_missing_table_is_an_error_naming_the_line(tmp_path, caption, section):
    lines = [ln for ln in LINES if not ln.startswith(caption)]
    with pytest.raises(SourceError) as err:
        run_import("\n".join(lines), tmp_path)
    number = re.match(r"\*\*(Table [0-9]+)", caption).group(1)
    assert str(err.value).startswith(f"{FACTSHEET.name}:{_line(section) + 1}: expected {number}")
    assert not (tmp_path / "out").exists()


def test_a_missing_section_heading_is_an_error_listing_the_sections_found(tmp_path):
    lines = [ln for ln in LINES if not ln.startswith("## 2.2 Regionally relevant")]
    with pytest.raises(SourceError, match=r"expected a section 2\.2 heading \(where the template prints Table 1\); "
                                          r"sections found: .*2\.1, 2\.3"):
        run_import("\n".join(lines), tmp_path)


def test_text_the_template_does_not_have_is_reported_or_kept(tmp_path, baseline):
    cover = _line("An initiative of the European Union")
    scope = _line("In terms of policy scope and approach")
    lines = (LINES[:cover] + ["Second edition, revised", ""] + LINES[cover:scope + 1]
             + ["", "- a bullet the template does not print here"] + LINES[scope + 1:])
    result = run_import("\n".join(lines), tmp_path)
    assert f"- line {cover + 1}: cover text the template does not have" in _review(result)
    got = tables(result.folder)["paragraphs"]
    items = [r for r in got.values() if r["text"] == "a bullet the template does not print here"]
    assert [r["source"] for r in items] == ["Section 4.1, Policy scope, list item 1"]
    assert len(got) == len(baseline["paragraphs"]) + 1
