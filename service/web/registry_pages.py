"""The product registry in the workbench: published products found by CPMS class and attribute
values (a firm's own drafts too, for its key), and the products the standard has moved away from
(`productNotices`), with what to change. Read through the schema as the signed-in key's holder."""

from __future__ import annotations

from starlette.responses import Response

from service.web.base import Page, Routes, Web

PRODUCTS = """query($class: String, $values: [String!], $region: String, $after: String) {
  products(class: $class, values: $values, region: $region, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id sku nameZh classCode status gtin brand completeness firm { code nameZh region }
      values { property value number max unit flag text } } } }"""
NOTICES = """{ productNotices(first: 100) { totalCount
  nodes { product { id sku nameZh classCode status } problems { kind message property expected } } } }"""


def routes(web: Web) -> Routes:
    return [("/products", web.view(products), ["GET"])]


async def products(page: Page) -> Response:
    code, values, region = page.arg("class") or None, page.arg("values").split(), page.arg("region") or None
    found = None
    if code or values or region:
        found = (await page.graph(PRODUCTS, **{"class": code}, values=values or None, region=region,
                                  after=page.arg("after") or None))["products"]  # fmt: skip
    notices = (await page.graph(NOTICES))["productNotices"] if page.principal.firm else None
    return page.render("products.html", code=code or "", values=" ".join(values), region=region or "",
                       found=found, notices=notices)  # fmt: skip
