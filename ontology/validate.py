"""Whole-bundle checks that pydantic cannot make alone: references, uniqueness, codes, templates.

Every problem is collected (none stops the check), so that an editor fixes a file in one pass.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from pydantic import BaseModel

from common.errors import InvalidInput
from ontology.codes import CodeFormatError, validate_cpms_code
from ontology.model import ConceptClass, DataType, SchemeBundle


class Problem(BaseModel):
    """One reason an import is refused: where (file, line or JSON path), which field, and why."""

    location: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.reason}"


class ImportRejected(InvalidInput):
    """An import refused before anything was written; `problems` names every bad row."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"import rejected, nothing was written; {len(problems)} problem(s):\n{shown}{more}")
        self.problems = problems
        self.details = {"problems": [p.model_dump() for p in problems]}


def _duplicates(codes: Iterable[str]) -> set[str]:
    return {code for code, n in Counter(codes).items() if n > 1}


def inherited_properties(classes: dict[str, ConceptClass], code: str) -> dict[str, bool]:
    """Property code -> required, for a class and all its ancestors (a child may tighten `required`)."""
    chain = []
    seen: set[str] = set()
    current: str | None = code
    while current and current in classes and current not in seen:
        seen.add(current)
        chain.append(classes[current])
        current = classes[current].parent
    template: dict[str, bool] = {}
    for cls in reversed(chain):
        for cp in cls.properties:
            template[cp.property] = template.get(cp.property, False) or cp.required
    return template


Locate = Callable[[str, int, str], str]


def json_location(collection: str, index: int, code: str) -> str:
    return f"{collection}[{index}] ({code})"


def check_bundle(bundle: SchemeBundle, locate: Locate = json_location) -> list[Problem]:
    """All problems of `bundle`; `locate(collection, index, code)` says where a row came from
    (a JSON path, or a CSV file and line)."""
    problems: list[Problem] = []

    def report(location: str, field: str, reason: str) -> None:
        problems.append(Problem(location=location, field=field, reason=reason))

    scheme = bundle.scheme.code
    pattern = re.compile(bundle.scheme.code_pattern) if bundle.scheme.code_pattern else None
    classes = {c.code: c for c in bundle.classes}
    properties = {p.code: p for p in bundle.properties}
    units = {u.code for u in bundle.units}

    for code in _duplicates(c.code for c in bundle.classes):
        report(f"classes[code={code}]", "code", "duplicate class code")
    for code in _duplicates(i.code for i in bundle.items):
        report(f"items[code={code}]", "code", "duplicate item code")
    for code in _duplicates(p.code for p in bundle.properties):
        report(f"properties[code={code}]", "code", "duplicate property code")

    def check_code(location: str, code: str) -> None:
        if scheme == "CPMS":
            try:
                validate_cpms_code(code)
            except CodeFormatError as exc:
                report(location, "code", str(exc))
        elif pattern and not pattern.fullmatch(code):
            report(location, "code", f"{code!r} does not match the scheme's code pattern {pattern.pattern}")

    for n, c in enumerate(bundle.classes):
        at = locate("classes", n, c.code)
        check_code(at, c.code)
        if c.parent is not None and c.parent not in classes:
            report(at, "parent", f"parent {c.parent!r} is not a class of {scheme}")
        if c.replaced_by is not None and c.replaced_by not in classes:
            report(at, "replaced_by", f"{c.replaced_by!r} is not a class of {scheme}")
        if c.replaced_by is not None and c.status != "deprecated":
            report(at, "replaced_by", "only a deprecated class can have replaced_by")
        if not c.labels.texts():
            report(at, "labels", "a class needs a label in at least one language")
        for cp in c.properties:
            if cp.property not in properties:
                report(at, "properties", f"property {cp.property!r} is not defined in {scheme}")

    for n, p in enumerate(bundle.properties):
        at = locate("properties", n, p.code)
        if p.unit is not None and p.unit not in units:
            report(at, "unit", f"unit {p.unit!r} is not defined in {scheme}")
        if p.data_type in (DataType.number, DataType.range) and p.unit is None:
            report(at, "unit", f"a {p.data_type.value} property needs a unit")
        for code in _duplicates(v.code for v in p.values):
            report(at, "values", f"duplicate value code {code!r}")

    for n, item in enumerate(bundle.items):
        at = locate("items", n, item.code)
        check_code(at, item.code)
        if item.class_code not in classes:
            report(at, "class_code", f"{item.class_code!r} is not a class of {scheme}")
            continue
        template = inherited_properties(classes, item.class_code)
        for v in item.values:
            prop = properties.get(v.property)
            if v.property not in template or prop is None:
                report(at, f"values.{v.property}", f"not a property of class {item.class_code}'s template")
            elif prop.data_type == DataType.enum and v.value not in {x.code for x in prop.values}:
                report(at, f"values.{v.property}", f"{v.value!r} is not an allowed value")
            elif prop.data_type in (DataType.number, DataType.range) and v.number is None:
                report(at, f"values.{v.property}", "a number is required")

    for n, m in enumerate(bundle.mappings):
        at = locate("mappings", n, f"{m.from_code} -> {m.to_scheme}:{m.to_code}")
        if m.from_code not in classes:
            report(at, "from_code", f"{m.from_code!r} is not a class of {scheme}")
        if m.to_scheme == scheme:
            report(at, "to_scheme", "a mapping goes to another scheme")
    return problems
