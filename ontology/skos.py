"""SKOS export (Turtle) of a scheme, for interoperability with other vocabulary tools.

Classes become skos:Concepts with prefLabel/altLabel per language, broader, definition and the
SKOS mapping relations; deprecated ones carry owl:deprecated and dcterms:isReplacedBy.
Attribute templates and items have no SKOS equivalent and are left to the JSON and CSV exports.
"""

from __future__ import annotations

from urllib.parse import quote

from ontology.model import Labels, SchemeBundle

BASE = "https://cpms.example.org/id/"  # overridable: the identifier space of the published standard

_LANG_TAGS = (("zh_hans", "zh-Hans"), ("zh_hant", "zh-Hant"), ("en", "en"))


def _literal(text: str, lang: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}'


def _iri(base: str, scheme: str, code: str | None = None) -> str:
    return f"<{base}{quote(scheme)}" + (f"/{quote(code)}>" if code else ">")


def _label_lines(predicate: str, labels: Labels | None) -> list[str]:
    if labels is None:
        return []
    return [
        f"    {predicate} {_literal(getattr(labels, attr), tag)}" for attr, tag in _LANG_TAGS if getattr(labels, attr)
    ]


def to_turtle(bundle: SchemeBundle, base: str = BASE) -> str:
    s = bundle.scheme
    scheme_iri = _iri(base, s.code)
    out = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "",
        f"{scheme_iri} a skos:ConceptScheme ;",
        *[line + " ;" for line in _label_lines("skos:prefLabel", s.name)],
        f"    dcterms:source {_literal(s.source, 'en')} ;",
        f"    dcterms:license {_literal(s.licence, 'en')} ;",
        f'    owl:versionInfo "{s.version}" .',
        "",
    ]
    mappings: dict[str, list[str]] = {}
    for m in bundle.mappings:
        mappings.setdefault(m.from_code, []).append(f"    skos:{m.relation.value} {_iri(base, m.to_scheme, m.to_code)}")
    for c in bundle.classes:
        lines = [f"    skos:inScheme {scheme_iri}", f'    skos:notation "{c.code}"']
        lines += _label_lines("skos:prefLabel", c.labels)
        lines += [f"    skos:altLabel {_literal(syn.text, syn.lang)}" for syn in c.synonyms]
        lines += _label_lines("skos:definition", c.definition)
        lines.append(
            f"    skos:broader {_iri(base, s.code, c.parent)}" if c.parent else f"    skos:topConceptOf {scheme_iri}"
        )
        lines += mappings.get(c.code, [])
        if c.status == "deprecated":
            lines.append("    owl:deprecated true")
            if c.replaced_by:
                lines.append(f"    dcterms:isReplacedBy {_iri(base, s.code, c.replaced_by)}")
        out.append(f"{_iri(base, s.code, c.code)} a skos:Concept ;")
        out.append(" ;\n".join(lines) + " .")
        out.append("")
    return "\n".join(out)
