"""queries/names-printed-several-ways.rq against mentions.csv: each thing the text names in two or more
wordings, every wording with the number of places printing it, and nothing else."""
from __future__ import annotations

import csv
from collections import Counter, defaultdict

from tests.competency import EDITION, run
from tests.competency import store  # noqa: F401  (fixtures)


def expected_from(folder) -> list[frozenset[tuple[str, int]]]:
    """Per (kind, resource) of mentions.csv printed in several wordings: its (wording, places) pairs."""
    with (folder / "mentions.csv").open(encoding="utf-8", newline="") as handle:
        places = Counter((r["kind"], r["resource"], r["printed"]) for r in csv.DictReader(handle))
    by_thing: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)
    for (kind, resource, printed), n in places.items():
        by_thing[(kind, resource)].add((printed, n))
    return sorted((frozenset(v) for v in by_thing.values() if len(v) > 1), key=sorted)


def answered(rows) -> list[frozenset[tuple[str, int]]]:
    by_thing: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for r in rows:
        by_thing[r["thing"]].add((r["printed"], int(r["mentions"])))
    return sorted((frozenset(v) for v in by_thing.values()), key=sorted)


def test_names_printed_several_ways_are_the_reviewed_mentions(store):
    rows = run(store, "names-printed-several-ways")
    assert {(r["cc"], r["edition"]) for r in rows} == {("IT", "2023")}
    expected = expected_from(EDITION)
    assert len(expected) >= 5  # MIUR, Regione Lombardia, the PNRR, the PNR, the Lombardy policy ...
    assert answered(rows) == expected
    # one label per thing, and the rows in label, then wording order
    labels = defaultdict(set)
    for r in rows:
        labels[r["thing"]].add(r["label"])
    assert all(len(v) == 1 for v in labels.values())
    assert rows == sorted(rows, key=lambda r: (r["label"], r["printed"]))


def test_the_expectation_can_fail():
    """A thing printed one way only is not expected; dropping a wording changes the expectation."""
    import shutil
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(EDITION / "mentions.csv", folder / "mentions.csv")
        before = expected_from(folder)
        lines = (folder / "mentions.csv").read_text(encoding="utf-8").splitlines()
        keep = [lines[0]] + [ln for ln in lines[1:] if ",MIUR," not in ln]
        (folder / "mentions.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
        after = expected_from(folder)
    assert before != after and len(after) == len(before)  # MIUR is still printed in three other wordings
    assert not any(printed == "MIUR" for group in after for printed, _ in group)
