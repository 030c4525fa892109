"""A bulk job's reviewed result registered as a firm's draft products, in one step.

Each row of the result becomes a product: its code (a class, or a standard item and its class),
its normalized values, and from the job's input the SKU (货号), the name, the brand and the GTIN.
A row the matcher left undecided (`review` not yet reviewed, `no_match`, `error`) is refused, or
left out when the caller asks to skip such rows; a row without a SKU or with a bad GTIN is refused.
Any refused row refuses the whole registration, every one named (ontology/registry/products.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bulk.columns import map_columns, to_record
from bulk.readers import open_source
from bulk.settings import BulkSettings
from common.errors import InvalidInput
from matchers.columns import header_key
from ontology.codes import ITEM_CODE, class_code
from ontology.editing import Edit
from ontology.registry.checking import problem
from ontology.registry.model import ProblemKind, ProductInput, ProductValue
from ontology.registry.products import ProductRow, Registration, RowRefusal, register_products
from ontology.store import Store
from service.auth import Principal
from service.jobs.runner import Jobs

SKU_HEADERS = (
    "sku",
    "货号",
    "物料编码",
    "物料号",
    "产品编号",
    "商品编码",
    "产品编码",
    "编码",
    "article",
    "item number",
)
GTIN_HEADERS = ("gtin", "ean", "upc", "barcode", "条码", "条形码", "商品条码", "国际条码")
DECIDED = frozenset({"matched", "confirmed"})
_NAME_CHARS = 200


class RegistrationOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku_column: str | None = None  # default: the first header meaning a SKU
    gtin_column: str | None = None  # default: the first header meaning a GTIN, if any
    skip_undecided: bool = False  # leave out rows without a decided code instead of refusing them


class JobRegistration(BaseModel):
    registration: Registration
    skipped: list[int]  # rows left out (undecided, with `skip_undecided`)


def register_job(
    store: Store,
    jobs: Jobs,
    job_id: str,
    viewer: Principal,
    firm: str,
    options: RegistrationOptions,
    edit: Edit,
    registration: str | None = None,
) -> JobRegistration:
    """The job's reviewed rows as `firm`'s drafts, all or nothing. The job must be the caller's
    (or the caller an admin), as every job is. `registration`: as for `register_products`."""
    review = jobs.review(job_id, viewer)
    job = jobs.get(job_id, viewer)
    inputs = input_rows(jobs.store.folder(job_id) / job.input_name, job.settings, options)
    rows, refused, skipped = job_products(review.reviewed_rows(), inputs, options)
    if not rows and not refused:
        raise InvalidInput("这个任务没有可登记的行 / the job has no rows to register", field="jobId")
    done = register_products(store, firm, rows, edit, refused, registration)
    return JobRegistration(registration=done, skipped=skipped)


class Inputs(BaseModel):
    """What a job's input says of each row (by row number) besides what the matcher read."""

    sku: dict[int, str]
    gtin: dict[int, str]
    name: dict[int, str]
    brand: dict[int, str]


def input_rows(path: Path, settings: BulkSettings, options: RegistrationOptions) -> Inputs:
    """The SKU, GTIN, name and brand of each row of a job's input (read as the job read it)."""
    found = Inputs(sku={}, gtin={}, name={}, brand={})
    with open_source(path, settings.encoding, settings.sheet, settings.max_cell_chars) as source:
        sku = _header(source.headers, options.sku_column, SKU_HEADERS, "skuColumn")
        if sku is None:
            raise InvalidInput(
                f"找不到货号列，请用 skuColumn 指明 / no SKU column among {', '.join(source.headers)}; "
                "name it with skuColumn",
                field="skuColumn",
            )
        gtin = _header(source.headers, options.gtin_column, GTIN_HEADERS, "gtinColumn")
        columns = map_columns(source.headers, settings.columns)
        for number, cells in source.rows:
            if not isinstance(cells, Mapping):
                continue
            record = to_record(cells, columns)
            _put(found.sku, number, cells.get(sku))
            _put(found.gtin, number, cells.get(gtin) if gtin else None)
            _put(found.name, number, record.get("name") or record.get("description"))
            _put(found.brand, number, record.get("brand"))
    return found


def _put(into: dict[int, str], number: int, text: str | None) -> None:
    if text and text.strip():
        into[number] = text.strip()


def _header(headers: list[str], chosen: str | None, known: Iterable[str], field: str) -> str | None:
    if chosen is not None:
        match = next((h for h in headers if h == chosen or header_key(h) == header_key(chosen)), None)
        if match is None:
            raise InvalidInput(f"没有列 {chosen!r} / the input has no column {chosen!r}", field=field)
        return match
    wanted = {header_key(k) for k in known}
    return next((h for h in headers if header_key(h) in wanted), None)


def job_products(
    results: Iterable[Mapping[str, Any]], inputs: Inputs, options: RegistrationOptions
) -> tuple[list[ProductRow], list[RowRefusal], list[int]]:
    """Products from reviewed result rows, the rows refused before any template is read, and the
    rows skipped."""
    rows: list[ProductRow] = []
    refused: list[RowRefusal] = []
    skipped: list[int] = []
    for result in results:
        number, sku = int(result["row"]), inputs.sku.get(int(result["row"]))
        if result["status"] not in DECIDED or not result["code"]:
            if options.skip_undecided:
                skipped.append(number)
            else:
                status = result["status"]
                refused.append(_refusal(number, sku, ProblemKind.status, f"这一行没有确定的类目（{status}），请先审核",
                                        f"the row has no decided code ({status}); review it first"))  # fmt: skip
            continue
        if sku is None:
            refused.append(_refusal(number, None, ProblemKind.bad_value, "这一行没有货号", "the row has no SKU"))
            continue
        try:
            rows.append(ProductRow(row=number, product=_product(result, inputs, number, sku)))
        except ValidationError as exc:
            message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            refused.append(_refusal(number, sku, ProblemKind.bad_value, "这一行的值不对", message))
    return rows, refused, skipped


def _refusal(number: int, sku: str | None, kind: ProblemKind, zh: str, en: str) -> RowRefusal:
    return RowRefusal(row=number, sku=sku, problems=[problem(kind, zh, en)])


def _product(result: Mapping[str, Any], inputs: Inputs, number: int, sku: str) -> ProductInput:
    code = str(result["code"]).strip().upper()
    item = ITEM_CODE.match(code)
    cls = class_code(item.group(1)) if item else code  # an item names its class in its first eight digits
    name = inputs.name.get(number) or str(result.get("input") or result.get("label") or sku)
    values = [ProductValue(property=p, text=str(v)) for p, v in _values(result.get("values"))]
    return ProductInput(
        sku=sku, name_zh=name[:_NAME_CHARS], class_code=cls, item_code=code if item else None,
        gtin=inputs.gtin.get(number), brand=inputs.brand.get(number), values=values,
    )  # fmt: skip


def _values(values: object) -> Iterator[tuple[str, object]]:
    if isinstance(values, Mapping):
        yield from ((str(p), v) for p, v in values.items() if v not in (None, ""))
