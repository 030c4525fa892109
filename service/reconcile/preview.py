"""A small HTML card of one entity, Chinese first: what a wrangler sees when hovering a candidate."""

from __future__ import annotations

from html import escape

from matchers.snapshot import Concept
from service.reconcile.entities import Entities, name

_STYLE = (
    "body{font:13px/1.45 system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:6px;color:#222}"
    "h1{font-size:15px;margin:0 0 2px}.code{color:#666;font-family:monospace}.path{color:#555;margin:2px 0 6px}"
    "table{border-collapse:collapse}td,th{padding:1px 6px 1px 0;text-align:left;vertical-align:top}"
    "th{color:#555;font-weight:normal}.deprecated{color:#a00}"
)
_WORDS = {
    "template": ("属性模板", "屬性模板", "attribute template"),
    "mappings": ("对应代码", "對應代碼", "mapped codes"),
    "required": ("必填", "必填", "required"),
    "deprecated": ("已废止", "已廢止", "deprecated"),
    "replaced_by": ("替代为", "替代為", "replaced by"),
}
_LANG_INDEX = {"zh-Hans": 0, "zh-Hant": 1, "en": 2}


def card(entities: Entities, concept: Concept, mapped: list[dict[str, str]], lang: str) -> str:
    def word(key: str) -> str:
        return _WORDS[key][_LANG_INDEX[lang]]

    others = [text for language, text in concept.labels if text != name(concept, lang)]
    rows = [
        f"<h1>{escape(name(concept, lang))} <span class=code>{escape(concept.code)}</span></h1>",
        f"<div>{escape(' / '.join(others))}</div>" if others else "",
        f"<div class=path>{escape(entities.path(concept, lang))}</div>" if concept.ancestors else "",
    ]
    if concept.status.value == "deprecated":
        replaced = f" · {word('replaced_by')} {escape(concept.replaced_by)}" if concept.replaced_by else ""
        rows.append(f"<div class=deprecated>{word('deprecated')}{replaced}</div>")
    template = entities.template(concept)
    if template:
        cells = "".join(
            f"<tr><th>{escape(p.label)}</th><td>{escape(p.unit.symbol if p.unit else '')}"
            f"{' · ' + word('required') if p.required else ''}</td></tr>"
            for p in template[:12]
        )
        rows.append(f"<div><b>{word('template')}</b></div><table>{cells}</table>")
    if mapped:
        cells = "".join(
            f"<tr><th>{escape(m['scheme'])}</th><td>{escape(m['code'])} {escape(m['name'])}</td></tr>" for m in mapped
        )
        rows.append(f"<div><b>{word('mappings')}</b></div><table>{cells}</table>")
    html_lang = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant", "en": "en"}[lang]
    body = "".join(r for r in rows if r)
    return (
        f"<!doctype html><html lang={html_lang}><meta charset=utf-8><style>{_STYLE}</style><body>{body}</body></html>"
    )
