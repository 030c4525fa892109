"""Who may write which firm's products, and who sees drafts.

A key bound to a firm (a manufacturer's, an integrator's) writes that firm's products only; an
editor or admin writes any firm's; everyone else writes none. Published products are for anyone
who may read; drafts and withdrawn products only for those who may write the firm's."""

from __future__ import annotations

from common.errors import Forbidden, InvalidInput
from ontology.registry.identifiers import IdentifierError, validate_uscc
from ontology.registry.model import ProductStatus
from service.auth import Principal


def firm_code(firm: str) -> str:
    """A firm's code as the store keeps it; a mistyped one is refused by its check character."""
    try:
        return validate_uscc(firm)
    except IdentifierError as exc:
        raise InvalidInput(str(exc), field="firm") from None


def may_write(principal: Principal, firm: str) -> bool:
    if not principal.can("products"):
        return False
    if principal.firm is not None:
        return principal.firm == firm
    return principal.can("curate")


def writable_firm(principal: Principal, firm: str | None) -> str:
    """The firm `principal` writes products of: `firm`, or the key's own when none is named."""
    principal.require("products")
    code = firm_code(firm) if firm else principal.firm
    if code is None:
        raise Forbidden("说明企业（firm） / name the firm (its unified social credit code)")
    if not may_write(principal, code):
        raise Forbidden(
            f"此密钥不能修改企业 {code} 的产品 / this key may not change the products of firm {code}"
            + (f"; it is bound to firm {principal.firm}" if principal.firm else "")
        )
    return code


def visible_statuses(principal: Principal, firm: str | None) -> tuple[ProductStatus, ...]:
    """Published products for everyone; a firm's drafts and withdrawn ones for those who write it."""
    principal.require("read")
    if firm is not None and may_write(principal, firm):
        return tuple(ProductStatus)
    return (ProductStatus.published,)
