"""A product checked against its class template, in pure Python: each stated value normalized
onto its property (an enum value's code, a number in the template's unit), and every problem
named: a property the template lacks, a value outside its list, a unit that does not convert, a
required value missing, two values of one property that disagree, a value that differs from the
named standard item's, a deprecated class or value. The completeness of a product is the share
of its template's properties it states."""

from __future__ import annotations

import re
from dataclasses import dataclass

from common.units import UNITS, UnitDef, read_unit
from ontology.registry.model import BLOCKS_DRAFT, Problem, ProblemKind, ProductInput, ProductValue, StoredValue
from ontology.registry.templates import ClassTemplate, StandardItem, TemplateProperty

_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*([^\d\s].*)?$")
_RANGE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:-|~|～|至|到)\s*(-?\d+(?:\.\d+)?)\s*([^\d\s].*)?$")
_TRUE = frozenset({"是", "有", "true", "yes", "y", "1"})
_FALSE = frozenset({"否", "无", "false", "no", "n", "0"})
_SEPARATOR = "; "  # between two values of one property in a bulk job's output


@dataclass(frozen=True)
class Checked:
    values: list[StoredValue]
    problems: list[Problem]
    completeness: float

    @property
    def storable(self) -> bool:
        """No problem that keeps it out of the registry even as a draft."""
        return not any(p.kind in BLOCKS_DRAFT for p in self.problems)

    @property
    def publishable(self) -> bool:
        return not self.problems


def problem(kind: ProblemKind, zh: str, en: str, prop: str | None = None, expected: list[str] | None = None) -> Problem:
    return Problem(kind=kind, message=f"{zh} / {en}", property=prop, expected=expected or [])


def check_product(product: ProductInput, template: ClassTemplate | None, items: dict[str, StandardItem]) -> Checked:
    if template is None:
        found = problem(ProblemKind.unknown_class, f"CPMS 类目 {product.class_code} 不存在",
                        f"CPMS class {product.class_code} does not exist")  # fmt: skip
        return Checked([], [found], 0.0)
    problems: list[Problem] = []
    if template.status == "deprecated":
        successor = template.replaced_by
        problems.append(
            problem(
                ProblemKind.deprecated_class,
                f"类目 {template.code} 已废止" + (f"，改用 {successor}" if successor else ""),
                f"class {template.code} is deprecated" + (f"; use {successor}" if successor else ""),
                expected=[successor] if successor else [],
            )  # fmt: skip
        )
    values: list[StoredValue] = []
    for stated in product.values:
        prop = template.properties.get(stated.property)
        if prop is None:
            problems.append(
                problem(
                    ProblemKind.unknown_property,
                    f"类目 {template.code} 的模板没有属性 {stated.property}",
                    f"the template of {template.code} has no property {stated.property}",
                    stated.property,
                    sorted(template.properties),
                )  # fmt: skip
            )
            continue
        read, read_problems = read_value(stated, prop)
        values += read
        problems += read_problems
    values, conflicts = _merge(values, template)
    problems += conflicts
    stated_codes = {v.property for v in values}
    attempted = {s.property for s in product.values}  # a refused value is named once, not also as missing
    for prop in template.properties.values():
        if prop.required and prop.code not in attempted:
            problems.append(
                problem(
                    ProblemKind.missing_required,
                    f"缺少必填属性 {prop.label}（{prop.code}）",
                    f"required value {prop.code} is missing",
                    prop.code,
                )  # fmt: skip
            )
    if product.item_code:
        problems += _against_item(product.item_code, template, values, items)
    share = len(stated_codes & set(template.properties)) / len(template.properties) if template.properties else 1.0
    return Checked(values, problems, round(share, 4))


def read_value(stated: ProductValue, prop: TemplateProperty) -> tuple[list[StoredValue], list[Problem]]:
    """`stated` as stored values of `prop`, or the problems that keep it from being one."""
    if prop.data_type == "enum":
        texts = [stated.value] if stated.value else (stated.text or "").split(_SEPARATOR)
        return _enum_values(prop, [t for t in texts if t and t.strip()])
    if prop.data_type in ("number", "range"):
        return _number_value(stated, prop)
    if prop.data_type == "boolean":
        flag = stated.flag
        word = (stated.text or stated.value or "").strip().casefold()
        if flag is None and word in _TRUE | _FALSE:
            flag = word in _TRUE
        if flag is None:
            return [], [_bad(prop, stated, "是或否", "yes or no")]
        return [StoredValue(property=prop.code, flag=flag)], []
    text = stated.text or stated.value
    if not text:
        return [], [_bad(prop, stated, "一段文字", "a text")]
    return [StoredValue(property=prop.code, text=text)], []


def _enum_values(prop: TemplateProperty, texts: list[str]) -> tuple[list[StoredValue], list[Problem]]:
    values, problems = [], []
    for text in texts:
        allowed = prop.value_for(text)
        if allowed is None:
            problems.append(
                problem(
                    ProblemKind.not_in_list,
                    f"{prop.label}（{prop.code}）的值 {text!r} 不在值列表中",
                    f"{text!r} is not a value of {prop.code}",
                    prop.code,
                    sorted(prop.values),
                )  # fmt: skip
            )
            continue
        if allowed.deprecated:
            problems.append(
                problem(
                    ProblemKind.deprecated_value,
                    f"{prop.code} 的值 {allowed.code} 已废止",
                    f"value {allowed.code} of {prop.code} is deprecated",
                    prop.code,
                )  # fmt: skip
            )
        values.append(StoredValue(property=prop.code, value=allowed.code))
    return values, problems


def _number_value(stated: ProductValue, prop: TemplateProperty) -> tuple[list[StoredValue], list[Problem]]:
    number, upper, unit = stated.number, stated.max, stated.unit
    if number is None:
        text = (stated.text or stated.value or "").strip()
        ranged = _RANGE.match(text) if prop.data_type == "range" else None
        single = _NUMBER.match(text)
        if ranged:
            number, upper, unit = float(ranged.group(1)), float(ranged.group(2)), ranged.group(3) or unit
        elif single:
            number, unit = float(single.group(1)), single.group(2) or unit
        else:
            return [], [_bad(prop, stated, "一个数" + (f"（单位 {prop.unit}）" if prop.unit else ""), "a number")]
    converted = _in_unit([number] + ([upper] if upper is not None else []), unit, prop)
    if isinstance(converted, Problem):
        return [], [converted]
    return [StoredValue(property=prop.code, number=converted[0], max=converted[1] if len(converted) > 1 else None,
                        unit=prop.unit)], []  # fmt: skip


_BY_SYMBOL = {u.symbol: u for u in UNITS.values()}


def _unit_def(code: str) -> UnitDef | None:
    """A unit by its code (`MMT`), a spelling matching text reads (`mm`) or its symbol (`pcs`, `in`),
    which is how a bulk job's output writes it."""
    return read_unit(code) or read_unit(code.strip().lower()) or _BY_SYMBOL.get(code.strip())


def _in_unit(numbers: list[float], unit: str | None, prop: TemplateProperty) -> list[float] | Problem:
    if unit is None or prop.unit is None or unit.strip() == prop.unit:
        if unit is not None and prop.unit is None:
            return problem(ProblemKind.bad_unit, f"{prop.code} 不带单位，却给了 {unit}",
                           f"{prop.code} takes no unit, got {unit}", prop.code)  # fmt: skip
        return [round(n, 6) for n in numbers]
    given, wanted = _unit_def(unit), _unit_def(prop.unit)
    if given is None or wanted is None or given.quantity != wanted.quantity:
        return problem(ProblemKind.bad_unit, f"{prop.code} 的单位是 {prop.unit}，{unit} 无法换算",
                       f"{prop.code} is in {prop.unit}; {unit} does not convert to it", prop.code,
                       [prop.unit])  # fmt: skip
    return [round(n * given.factor / wanted.factor, 6) for n in numbers]


def _bad(prop: TemplateProperty, stated: ProductValue, zh: str, en: str) -> Problem:
    given = stated.text or stated.value or stated.number
    return problem(ProblemKind.bad_value, f"{prop.label}（{prop.code}）应为{zh}，得到 {given!r}",
                   f"{prop.code} needs {en}, got {given!r}", prop.code)  # fmt: skip


def _key(value: StoredValue) -> tuple:
    return (value.value, value.number, value.max, value.flag, value.text)


def _merge(values: list[StoredValue], template: ClassTemplate) -> tuple[list[StoredValue], list[Problem]]:
    """One value a property, in template order; a property stated with two different values is a conflict."""
    by_property: dict[str, list[StoredValue]] = {}
    for value in values:
        known = by_property.setdefault(value.property, [])
        if all(_key(value) != _key(k) for k in known):
            known.append(value)
    kept, problems = [], []
    for code in template.properties:
        stated = by_property.get(code, [])
        if len(stated) > 1:
            shown = [describe(v) for v in stated]
            problems.append(
                problem(
                    ProblemKind.conflict,
                    f"{code} 有互相矛盾的值：{'、'.join(shown)}",
                    f"{code} has conflicting values: {', '.join(shown)}",
                    code,
                    shown,
                )  # fmt: skip
            )
        kept += stated
    return kept, problems


def _against_item(
    item_code: str, template: ClassTemplate, values: list[StoredValue], items: dict[str, StandardItem]
) -> list[Problem]:
    item = items.get(item_code)
    if item is None or item.class_code != template.code:
        return [problem(ProblemKind.unknown_item, f"{item_code} 不是类目 {template.code} 的标准条目",
                        f"{item_code} is not a standard item of class {template.code}")]  # fmt: skip
    problems = []
    for value in values:
        standard = item.values.get(value.property)
        if standard is None:
            continue
        expected = StoredValue(property=value.property, unit=value.unit, **{
            k: standard.get(k) for k in ("value", "number", "max", "flag")})  # fmt: skip
        if (expected.value, expected.number, expected.max, expected.flag) != (
            value.value,
            value.number,
            value.max,
            value.flag,
        ):
            problems.append(
                problem(
                    ProblemKind.conflict,
                    f"{value.property} 的值 {describe(value)} 与标准条目 {item_code} 的 {describe(expected)} 不符",
                    f"{value.property} is {describe(value)}; standard item {item_code} has {describe(expected)}",
                    value.property,
                    [describe(expected)],
                )  # fmt: skip
            )
    return problems


def describe(value: StoredValue) -> str:
    """A stored value as text: `M8`, `30 mm`, `10-20 mm`, `是`."""
    if value.value is not None:
        return value.value
    if value.number is not None:
        number = f"{value.number:g}" + (f"-{value.max:g}" if value.max is not None else "")
        return f"{number} {value.unit}" if value.unit else number
    if value.flag is not None:
        return "是" if value.flag else "否"
    return value.text or ""


def value_keys(values: list[StoredValue]) -> list[str]:
    """`property=value` for each value, what attribute queries compare: `thread_size=M8`, `length=30`."""
    keys = []
    for v in values:
        shown = v.value if v.value is not None else describe(v.model_copy(update={"unit": None}))
        keys.append(f"{v.property}={shown}")
    return keys
