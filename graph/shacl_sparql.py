"""SHACL as SPARQL over a pyoxigraph store: one query per constraint over every focus node at once.

Why: pyshacl (the reference) and pyshacl-turbo check one focus node at a time; on our shapes (SHACL
core plus sh:sparql constraints that join across the graph) both grow faster than the data, minutes
at 150k triples. Here every constraint becomes one SELECT whose solutions are the failing (focus
node, value) pairs, evaluated by Oxigraph over the whole data graph (the store's default graph).
The report is built like pyshacl's, term for term (the blank property shapes, paths and SPARQL
constraints it names are copied from the shapes graph once), so it is isomorphic to the
reference's and the build id does not depend on the engine; tests/test_shapes.py checks that on
the real data and on every failing example.

Supported: targets sh:targetClass (with rdfs:subClassOf), sh:targetNode, sh:targetSubjectsOf,
sh:targetObjectsOf; paths (IRI, inverse, sequence, alternative, zero/one-or-more, zero-or-one); the
core components our shapes use (class, datatype, nodeKind, minCount, maxCount, pattern, minLength,
maxLength, min/maxInclusive/Exclusive, in, hasValue, uniqueLang, or of such shapes) and
SPARQL-based constraints (sh:select, $this bound by joining the focus nodes). A shape using anything
else is refused by name rather than skipped."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from .namespaces import RDF, RDFS, SH, XSD

#: Lexical forms of the datatypes whose well-formedness we check (pyshacl reports ill-typed literals).
LEXICAL: dict[URIRef, str] = {
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.nonNegativeInteger: r"^(\+?[0-9]+|-0+)$",
    XSD.positiveInteger: r"^\+?0*[1-9][0-9]*$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYearMonth: r"^-?[0-9]{4,}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.date: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
#: Datatypes Oxigraph's store keeps only as xsd:integer ("1"^^xsd:positiveInteger is stored as "1"^^xsd:integer).
#: Which one a literal had is kept beside the data, in the named graph DATATYPE_GRAPH + datatype IRI
#: (the same triple), so sh:datatype can tell them apart and the report names the value as written.
INTEGER_TYPES = frozenset(XSD[t] for t in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))
DATATYPE_GRAPH = "urn:x-eccp-kg:shacl:datatype:"
#: sh:nodeKind -> the SPARQL test a value must pass.
NODE_KINDS: dict[URIRef, str] = {
    SH.IRI: "isIRI(?v)", SH.Literal: "isLiteral(?v)", SH.BlankNode: "isBlank(?v)",
    SH.BlankNodeOrIRI: "!isLiteral(?v)", SH.BlankNodeOrLiteral: "!isIRI(?v)", SH.IRIOrLiteral: "!isBlank(?v)",
}
#: Parameters that are not constraints of their own (or are handled with their partner).
NOT_CONSTRAINTS = {SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.flags,
                   SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, RDF.type,
                   SH.deactivated, SH.declare, SH.defaultValue}
COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}


def sparql_term(node: Node) -> str:
    """A term as SPARQL text (IRIs, literals; never blank nodes, which a query cannot name)."""
    if isinstance(node, BNode):
        raise ValueError("a blank node cannot be named in SPARQL")
    return node.n3()


def written_value(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, path: Node, value) -> Node:
    """A value as the data wrote it: an integer literal gets back the derived datatype it was loaded with."""
    if isinstance(value, ox.Literal) and value.datatype.value == str(XSD.integer) and isinstance(path, URIRef):
        for quad in store.quads_for_pattern(subject, ox.NamedNode(str(path)), value, None):
            name = quad.graph_name
            if isinstance(name, ox.NamedNode) and name.value.startswith(DATATYPE_GRAPH):
                return Literal(value.value, datatype=URIRef(name.value.removeprefix(DATATYPE_GRAPH)))
    return ox_to_rdflib(value)


def datatype_quads(triples: Iterable[tuple]) -> Iterator[ox.Quad]:
    """The quads of DATATYPE_GRAPH for rdflib triples whose literal Oxigraph would store as xsd:integer."""
    for s, p, o in triples:
        if isinstance(o, Literal) and o.datatype in INTEGER_TYPES:
            yield ox.Quad(ox.NamedNode(str(s)) if isinstance(s, URIRef) else ox.BlankNode(str(s)), ox.NamedNode(str(p)),
                          ox.Literal(str(o), datatype=ox.NamedNode(str(o.datatype))), ox.NamedNode(DATATYPE_GRAPH + str(o.datatype)))


def ox_to_rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)  # a simple literal, as rdflib parses "x"
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def term_text(term) -> str:
    """How a bound variable appears in a message: an IRI's or a literal's text (as pyshacl writes it)."""
    return term.value


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as one query: its solutions are the results (?this, optional ?v)."""

    shape: Node
    component: URIRef
    query: str
    has_value: bool
    severity: URIRef
    messages: tuple[Literal, ...]
    path: Node | None = None
    constraint: Node | None = None  # the sh:sparql node (copied into the report as pyshacl does)


class ShapesCompiler:
    """Turns a shapes graph into `Check`s; subclass closures come from the data via `classes_of`."""

    def __init__(self, shapes: Graph, subclasses: Callable[[URIRef], list[str]]):
        self.shapes = shapes
        self.subclasses = subclasses

    def path(self, node: Node) -> str:
        g = self.shapes
        if isinstance(node, URIRef):
            return node.n3()
        if (node, RDF.first, None) in g:
            return "(" + "/".join(self.path(item) for item in Collection(g, node)) + ")"
        for predicate, template in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                                    (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = g.value(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(item) for item in Collection(g, alternatives)) + ")"
        raise NotImplementedError(f"SHACL path {node!r}")

    def focus(self, shape: Node) -> str | None:
        """A group binding ?this to each focus node of `shape` once, or None when it has no target."""
        g = self.shapes
        parts = []
        classes = sorted({c for cls in g.objects(shape, SH.targetClass) for c in self.subclasses(cls)})
        if classes:
            parts.append("VALUES ?class { " + " ".join(f"<{c}>" for c in classes) + " } ?this a ?class .")
        nodes = sorted(g.objects(shape, SH.targetNode))
        if nodes:
            parts.append("VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " }")
        parts += [f"?this {sparql_term(p)} ?any ." for p in sorted(g.objects(shape, SH.targetSubjectsOf))]
        parts += [f"?any {sparql_term(p)} ?this ." for p in sorted(g.objects(shape, SH.targetObjectsOf))]
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + p + " }" for p in parts) + " } }"

    def value_test(self, shape: Node, parameter: URIRef, value: Node, path: Node) -> str | None:
        """A SPARQL expression true when ?v conforms to one value-type constraint, or None if `parameter` is not one."""
        g = self.shapes
        if parameter == SH["class"]:
            classes = self.subclasses(value)
            if not classes:
                return "false"
            return "EXISTS { VALUES ?type { " + " ".join(f"<{c}>" for c in classes) + " } ?v a ?type }"
        if parameter == SH.datatype:
            if value in INTEGER_TYPES or value == XSD.integer:
                if not isinstance(path, URIRef):
                    raise NotImplementedError(f"sh:datatype {value} on a path that is not one IRI ({shape})")
                written = f"GRAPH ?written {{ ?this {sparql_term(path)} ?v }} FILTER (STRSTARTS(STR(?written), \"{DATATYPE_GRAPH}\"))"
                if value == XSD.integer:
                    return f"(isLiteral(?v) && DATATYPE(?v) = {sparql_term(value)} && NOT EXISTS {{ {written} }})"
                return f"(isLiteral(?v) && EXISTS {{ GRAPH <{DATATYPE_GRAPH}{value}> {{ ?this {sparql_term(path)} ?v }} }})"
            test = f"(isLiteral(?v) && DATATYPE(?v) = {sparql_term(value)}"
            if value in LEXICAL:
                test += f" && REGEX(STR(?v), {Literal(LEXICAL[value]).n3()})"
            return test + ")"
        if parameter == SH.nodeKind:
            return NODE_KINDS[value]
        if parameter == SH.pattern:
            flags = g.value(shape, SH.flags)
            args = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            return f"(!isBlank(?v) && REGEX(STR(?v), {Literal(str(value)).n3()}{args}))"
        if parameter == SH.minLength:
            return f"(!isBlank(?v) && STRLEN(STR(?v)) >= {int(value)})"
        if parameter == SH.maxLength:
            return f"(!isBlank(?v) && STRLEN(STR(?v)) <= {int(value)})"
        if parameter in COMPARISONS:
            return f"COALESCE(?v {COMPARISONS[parameter]} {sparql_term(value)}, false)"
        if parameter == SH["in"]:
            return "(?v IN (" + ", ".join(sparql_term(i) for i in Collection(g, value)) + "))"
        if parameter == SH["or"]:
            return "(" + " || ".join(self.conforms(alt, path) for alt in Collection(g, value)) + ")"
        return None

    def conforms(self, shape: Node, path: Node) -> str:
        """?v conforms to a shape made of value-type constraints only (an sh:or alternative)."""
        tests = []
        for parameter, value in sorted(self.shapes.predicate_objects(shape)):
            if parameter in NOT_CONSTRAINTS:
                continue
            test = self.value_test(shape, parameter, value, path)
            if test is None:
                raise NotImplementedError(f"SHACL {parameter} inside sh:or")
            tests.append(test)
        return "(" + (" && ".join(tests) or "true") + ")"

    def property_checks(self, prop: Node, focus: str) -> Iterator[Check]:
        g = self.shapes
        path_node = g.value(prop, SH.path)
        path = self.path(path_node)
        severity = g.value(prop, SH.severity) or SH.Violation  # its own, not its node shape's
        messages = tuple(sorted(g.objects(prop, SH.message)))
        for parameter, value in sorted(g.predicate_objects(prop)):
            if parameter in NOT_CONSTRAINTS:
                continue
            name = parameter.removeprefix(str(SH))
            component = SH[name[0].upper() + name[1:] + "ConstraintComponent"]
            if parameter == SH.minCount:
                n = int(value)
                if n == 0:
                    continue
                query = (f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?v }} }}" if n == 1 else
                         f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this "
                         f"HAVING (COUNT(DISTINCT ?v) < {n})")
                yield Check(prop, component, query, False, severity, messages, path_node)
            elif parameter == SH.maxCount:
                query = (f"SELECT ?this WHERE {{ {focus} ?this {path} ?v }} GROUP BY ?this "
                         f"HAVING (COUNT(DISTINCT ?v) > {int(value)})")
                yield Check(prop, component, query, False, severity, messages, path_node)
            elif parameter == SH.uniqueLang:
                if value != Literal(True):
                    continue
                query = (f"SELECT DISTINCT ?this ?lang WHERE {{ {focus} ?this {path} ?v , ?w . "
                         f"FILTER (isLiteral(?v) && LANG(?v) != \"\" && LANG(?v) = LANG(?w) && ?v != ?w) "
                         f"BIND (LANG(?v) AS ?lang) }}")
                yield Check(prop, component, query, False, severity, messages, path_node)
            elif parameter == SH.hasValue:
                query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {sparql_term(value)} }} }}"
                yield Check(prop, component, query, False, severity, messages, path_node)
            else:
                test = self.value_test(prop, parameter, value, path_node)
                if test is None:
                    raise NotImplementedError(f"SHACL constraint {parameter} (shape {prop})")
                query = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {path} ?v FILTER (!{test}) }}"
                yield Check(prop, component, query, True, severity, messages, path_node)

    def sparql_checks(self, shape: Node, focus: str, severity: URIRef) -> Iterator[Check]:
        g = self.shapes
        for constraint in sorted(g.objects(shape, SH.sparql)):
            if g.value(constraint, SH.deactivated) == Literal(True):
                continue
            select = str(g.value(constraint, SH.select))
            prologue = "".join(f"PREFIX {g.value(d, SH.prefix)}: <{g.value(d, SH.namespace)}>\n"
                               for p in g.objects(constraint, SH.prefixes) for d in g.objects(p, SH.declare))
            brace = select.index("{")  # the WHERE group: the focus nodes join it first ($this = ?this)
            query = prologue + select[:brace + 1] + " " + focus + " " + select[brace + 1:]
            messages = tuple(sorted(g.objects(constraint, SH.message))) or tuple(sorted(g.objects(shape, SH.message)))
            yield Check(shape, SH.SPARQLConstraintComponent, query, True, severity, messages, None, constraint)

    def checks(self) -> list[Check]:
        g = self.shapes
        found: list[Check] = []
        shapes = set(g.subjects(RDF.type, SH.NodeShape)) | {
            s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf) for s in g.subjects(p, None)}
        for shape in sorted(shapes):
            if g.value(shape, SH.deactivated) == Literal(True):
                continue
            focus = self.focus(shape)
            if focus is None:
                continue
            severity = g.value(shape, SH.severity) or SH.Violation
            for parameter, _value in g.predicate_objects(shape):
                if parameter not in NOT_CONSTRAINTS | {SH.sparql} and not str(parameter).startswith(str(RDFS)):
                    raise NotImplementedError(f"SHACL constraint {parameter} on node shape {shape}")
            for prop in sorted(g.objects(shape, SH.property)):
                if g.value(prop, SH.deactivated) != Literal(True):
                    found += self.property_checks(prop, focus)
            found += self.sparql_checks(shape, focus, severity)
        return found


def _copy_blank(shapes: Graph, node: Node, report: Graph, done: set[Node]) -> None:
    """Copy a blank node's description (and the blank nodes it names) from the shapes graph, once."""
    if not isinstance(node, BNode) or node in done:
        return
    done.add(node)
    for p, o in shapes.predicate_objects(node):
        report.add((node, p, o))
        _copy_blank(shapes, o, report, done)


def _message(template: str, solution: ox.QuerySolution, names: Iterable[str]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(2)
        term = solution[name] if name in names else None
        return term_text(term) if term is not None else match.group(0)

    return re.sub(r"\{([$?])([A-Za-z_][A-Za-z0-9_]*)\}", value, template)


def subclass_closure(store: ox.Store) -> Callable[[URIRef], list[str]]:
    """rdfs:subClassOf* of a class in the store's default graph, cached per class."""
    cache: dict[str, list[str]] = {}

    def closure(cls: URIRef) -> list[str]:
        key = str(cls)
        if key not in cache:
            rows = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {sparql_term(cls)} }}")
            cache[key] = sorted({key} | {row["c"].value for row in rows if isinstance(row["c"], ox.NamedNode)})
        return cache[key]

    return closure


def validate_store(store: ox.Store, shapes: Graph, progress: Callable[[int, int], None] | None = None) -> Graph:
    """Validate the default graph of `store` (data, ontology and code lists merged) against `shapes`;
    returns a SHACL validation report graph with the results pyshacl would give."""
    checks = ShapesCompiler(shapes, subclass_closure(store)).checks()
    report = Graph()
    root = BNode()
    copied: set[Node] = set()
    conforms = True
    for done, check in enumerate(checks, 1):
        solutions = store.query(check.query)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            if check.severity == SH.Violation:  # warnings and infos do not fail (allow_warnings, allow_infos)
                conforms = False
            result = BNode()
            report.add((root, SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.focusNode, ox_to_rdflib(solution["this"])))
            report.add((result, SH.resultSeverity, check.severity))
            report.add((result, SH.sourceConstraintComponent, check.component))
            report.add((result, SH.sourceShape, check.shape))
            _copy_blank(shapes, check.shape, report, copied)
            if check.constraint is not None:  # SPARQL: ?value, ?path and messages from the solution
                report.add((result, SH.sourceConstraint, check.constraint))
                _copy_blank(shapes, check.constraint, report, copied)
                value = solution["value"] if "value" in names else None
                report.add((result, SH.value, ox_to_rdflib(value if value is not None else solution["this"])))
                path = solution["path"] if "path" in names else None
                if path is not None:
                    report.add((result, SH.resultPath, ox_to_rdflib(path)))
                for message in check.messages:
                    report.add((result, SH.resultMessage, Literal(_message(str(message), solution, names),
                                                                  lang=message.language)))
            else:
                report.add((result, SH.resultPath, check.path))
                _copy_blank(shapes, check.path, report, copied)
                if check.has_value:
                    report.add((result, SH.value, written_value(store, solution["this"], check.path, solution["v"])))
                for message in check.messages:
                    report.add((result, SH.resultMessage, message))
        if progress is not None:
            progress(done, len(checks))
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(conforms)))
    return report


def load_union(store: ox.Store, graphs: Iterable) -> None:
    """Put graphs (rdflib Graphs or graph.triples.TripleText) into the store's default graph: a set, so a
    triple in two graphs counts once, as in the union pyshacl validates."""
    for graph in graphs:
        if graph is None or not len(graph):
            continue
        if isinstance(graph, Graph):
            store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
            store.extend(datatype_quads(graph))
        else:
            store.load(graph.nt, format=ox.RdfFormat.N_TRIPLES)
            if graph.typed:
                store.load(graph.typed, format=ox.RdfFormat.N_QUADS)


def union_store(graphs: Iterable) -> ox.Store:
    """A new in-memory store whose default graph is the union of `graphs` (see load_union)."""
    store = ox.Store()
    load_union(store, graphs)
    return store


def validate(data_graph: Graph, shacl_graph: Graph, ont_graph: Graph | None = None, **_options) -> tuple[bool, Graph, str]:
    """pyshacl's `validate` call shape over rdflib graphs (the ontology mixed into the data, as pyshacl
    does), for tests and small inputs; the build calls `validate_store` on the store it already has."""
    store = ox.Store()
    load_union(store, (data_graph, ont_graph))
    report = validate_store(store, shacl_graph)
    conforms = bool(report.value(next(report.subjects(RDF.type, SH.ValidationReport)), SH.conforms))
    return conforms, report, ""
