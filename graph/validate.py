"""SHACL validation of the assembled data, and a report a person can read.

The factsheets contradict themselves in places; those contradictions are kept as printed and the
shapes flag them as sh:Warning. So validation has three outcomes that the build must tell apart:
violations (the data is wrong: stop), warnings (the source is inconsistent: keep going, and keep the
report in the graph so it can be queried), and a clean pass."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from .errors import SourceError
from .namespaces import RDF, SH, XSD, bind_all
from .sources import parse_turtle_files, union

#: SHACL engines, default first. Each takes pyshacl's arguments and returns its report graph:
#: oxigraph (graph/shacl_sparql.py) runs one SPARQL query per constraint over all focus nodes at once and
#: is the only one that scales to millions of triples; pyshacl-turbo (Rust) and pyshacl check one focus node
#: at a time. pyshacl stays the reference: tests/test_shapes.py checks that every engine gives a report
#: isomorphic to pyshacl's on our shapes, the real data and every failing example.
ENGINES: tuple[str, ...] = ("oxigraph", "turbo", "pyshacl")
DEFAULT_ENGINE = ENGINES[0]

#: Display order and names of the SHACL severities.
SEVERITIES: dict[URIRef, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    """One sh:ValidationResult, reduced to what a person needs to find and fix (or accept) it."""

    severity: str
    focus_node: str
    path: str
    message: str
    value: str = ""
    source_shape: str = ""
    constraint: str = ""

    def format(self) -> str:
        """The finding as an indented block: severity and focus node, then path, message, value, shape."""
        lines = [f"{self.severity.upper():<9} {self.focus_node}"]
        lines.append(f"          path: {self.path or '-'}")
        lines.append(f"          message: {self.message}")
        if self.value:
            lines.append(f"          value: {self.value}")
        if self.source_shape and self.source_shape != "[blank node]":
            lines.append(f"          shape: {self.source_shape} ({self.constraint})")
        elif self.constraint:
            lines.append(f"          constraint: {self.constraint}")
        return "\n".join(lines)


@dataclass
class ValidationOutcome:
    """The pyshacl result: the report graph (to store) and the findings (to print and count)."""

    report: Graph
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: str) -> int:
        """How many findings have this severity ('Violation', 'Warning', 'Info')."""
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def violations(self) -> int:
        return self.count("Violation")

    @property
    def warnings(self) -> int:
        return self.count("Warning")

    @property
    def infos(self) -> int:
        return self.count("Info")

    @property
    def ok(self) -> bool:
        """True when nothing stops the build (warnings and infos are allowed)."""
        return self.violations == 0

    def summary(self) -> str:
        """One line with the counts per severity (printed last, and by --quiet builds)."""
        return f"SHACL: {self.violations} violation(s), {self.warnings} warning(s), {self.infos} info(s)"

    def format(self) -> str:
        """The whole report: one block per finding (violations first), then the summary line."""
        blocks = [f.format() for f in self.findings]
        return "\n".join(blocks + [self.summary()])


def load_shapes(shapes_dir: Path) -> Graph:
    """All shapes/*.ttl as one shapes graph; an empty folder is an error (nothing would be checked)."""
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise SourceError(shapes_dir, None, None, "at least one SHACL shapes file (*.ttl)")
    return parse_turtle_files(files, "SHACL shapes")


def _show(node: Node | None, graph: Graph, nsm: NamespaceManager) -> str:
    """A compact, stable text for a term: prefixed name, literal, or a described path/blank node."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return node.n3(nsm)
        except Exception:  # not every IRI has a valid prefixed form
            return f"<{node}>"
    if isinstance(node, Literal):
        if node.datatype in (XSD.integer, XSD.decimal, XSD.boolean):
            return str(node)  # as Turtle would write it: 97, not "97"^^xsd:integer
        return node.n3(nsm)
    if isinstance(node, BNode):
        inverse = graph.value(node, SH.inversePath)
        if inverse is not None:
            return f"^{_show(inverse, graph, nsm)}"
        if graph.value(node, RDF.first) is not None:
            return " / ".join(_show(item, graph, nsm) for item in graph.items(node))
        return "[blank node]"
    return str(node)


def findings_of(report: Graph) -> list[Finding]:
    """Every sh:ValidationResult in a report graph, violations first, in a stable order."""
    nsm = NamespaceManager(Graph())
    bind_all(nsm.graph)
    found: list[Finding] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = SEVERITIES.get(report.value(result, SH.resultSeverity), "Violation")
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        found.append(
            Finding(
                severity=severity,
                focus_node=_show(report.value(result, SH.focusNode), report, nsm),
                path=_show(report.value(result, SH.resultPath), report, nsm),
                message=" | ".join(messages) or "(no message)",
                value=_show(report.value(result, SH.value), report, nsm),
                source_shape=_show(report.value(result, SH.sourceShape), report, nsm),
                constraint=_show(report.value(result, SH.sourceConstraintComponent), report, nsm),
            )
        )
    rank = {name: i for i, name in enumerate(SEVERITIES.values())}
    found.sort(key=lambda f: (rank.get(f.severity, 0), f.focus_node, f.path, f.message, f.value))
    return found


def engine_validate(engine: str):
    """The `validate` function of a SHACL engine by name (imported on first use: each costs ~0.1-0.2 s)."""
    if engine == "oxigraph":
        from .shacl_sparql import validate as sparql_validate

        return sparql_validate
    if engine == "turbo":
        import pyshacl_turbo

        return pyshacl_turbo.validate
    if engine == "pyshacl":
        import pyshacl

        return pyshacl.validate
    raise ValueError(f"--shacl-engine: expected one of {', '.join(ENGINES)}, got {engine!r}")


def validate_parts(data: list, ontology: list, shapes: Graph, engine: str = DEFAULT_ENGINE) -> ValidationOutcome:
    """Validate the union of `data` with `ontology` mixed in (rdflib Graphs or graph.triples.TripleText).

    The oxigraph engine loads them straight into one store; the per-focus-node engines get rdflib unions."""
    if engine == "oxigraph":
        from .shacl_sparql import union_store, validate_store

        report = validate_store(union_store([*data, *ontology]), shapes)
        bind_all(report)
        return ValidationOutcome(report=report, findings=findings_of(report))
    return validate(union(*data), shapes, union(*ontology), engine=engine)


def validate(data: Graph, shapes: Graph, ontology: Graph | None = None, inference: str = "none",
             engine: str = DEFAULT_ENGINE) -> ValidationOutcome:
    """Run a SHACL engine (see ENGINES) over `data` with `shapes`; `ontology` (ontology + code lists) is
    mixed in for rdfs:subClassOf and code-list lookups but is not itself the thing being checked.

    Warnings and infos do not make the outcome fail; only sh:Violation does."""
    _conforms, report, _text = engine_validate(engine)(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference=inference,
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
    )
    bind_all(report)
    return ValidationOutcome(report=report, findings=findings_of(report))
