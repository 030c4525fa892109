"""The workbench's own words, Chinese first: one catalogue, looked up by key from the templates
and the handlers (`t("nav.browse")`). Traditional Chinese is derived from the simplified text;
ontology labels come from the store in the language chosen, not from here."""

from __future__ import annotations

import functools
from collections.abc import Callable

import opencc

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANGUAGE = "zh-Hans"

# key: (zh-Hans, en)
CATALOGUE: dict[str, tuple[str, str]] = {
    "app.title": ("CPMS 标准工作台", "CPMS workbench"),
    "nav.home": ("首页", "Home"),
    "nav.browse": ("浏览", "Browse"),
    "nav.search": ("搜索", "Search"),
    "nav.requests": ("变更申请", "Change requests"),
    "nav.releases": ("发布", "Releases"),
    "nav.playground": ("匹配试验", "Match playground"),
    "nav.batch": ("批量匹配", "Bulk jobs"),
    "nav.products": ("产品登记", "Products"),
    "products.class": ("CPMS 类目编码", "CPMS class code"),
    "products.values": ("属性值，如 M8 304 镀锌", "Values, such as M8 304 镀锌"),
    "products.region": ("地区，如 金华市", "Region, such as 金华市"),
    "products.id": ("产品编号", "Product ID"),
    "products.sku": ("货号", "SKU"),
    "products.firm": ("企业", "Firm"),
    "products.values_header": ("属性值", "Values"),
    "products.notices": ("标准变化后需要修改的产品", "Products to change after the standard changed"),
    "products.no_notices": ("没有需要修改的产品", "No product needs a change"),
    "products.to_change": ("要改什么", "What to change"),
    "nav.keys": ("API 密钥", "API keys"),
    "nav.graphiql": ("GraphiQL", "GraphiQL"),
    "auth.sign_in": ("登录", "Sign in"),
    "auth.sign_out": ("退出", "Sign out"),
    "auth.key": ("API 密钥", "API key"),
    "auth.key_hint": ("粘贴管理员发给您的 API 密钥（cpms_…）", "Paste the API key an admin gave you (cpms_…)"),
    "auth.bad_key": ("API 密钥无效或已吊销", "Unknown or revoked API key"),
    "auth.signed_in_as": ("当前用户：{name}（{role}）", "Signed in as {name} ({role})"),
    "auth.anonymous": ("匿名浏览", "Browsing anonymously"),
    "auth.required": ("请先登录", "Please sign in first"),
    "error.title": ("出错了", "Something went wrong"),
    "error.csrf": (
        "表单令牌缺失或不符（可能是伪造的请求，或页面已过期）：未做任何更改。请刷新页面后重试。",
        "The form's token is missing or wrong (a forged request, or a stale page): nothing was changed. "
        "Reload the page and try again.",
    ),
    "error.forbidden": ("您的角色无权执行此操作：未做任何更改。", "Your role may not do this: nothing was changed."),
    "error.not_found": ("找不到该内容", "Not found"),
    "common.code": ("编码", "Code"),
    "common.label": ("名称", "Label"),
    "common.status": ("状态", "Status"),
    "common.score": ("得分", "Score"),
    "common.reason": ("理由", "Reason"),
    "common.reason_hint": ("为什么要改：记入变更历史", "Why: kept in the change history"),
    "common.save": ("保存", "Save"),
    "common.submit": ("提交", "Submit"),
    "common.next": ("下一页", "Next page"),
    "common.first": ("第一页", "First page"),
    "common.total": ("共 {n} 条", "{n} in all"),
    "common.none": ("无", "none"),
    "common.who": ("谁", "Who"),
    "common.when": ("何时", "When"),
    "common.what": ("操作", "Action"),
    "common.scheme": ("标准体系", "Scheme"),
    "common.download": ("下载", "Download"),
    "common.yes": ("是", "yes"),
    "home.schemes": ("标准体系", "Schemes"),
    "home.classes": ("类目数", "Classes"),
    "home.items": ("标准品数", "Items"),
    "home.version": ("版本", "Version"),
    "home.latest_releases": ("最新发布", "Latest releases"),
    "home.open_requests": ("待处理的变更申请", "Open change requests"),
    "home.review_queue": ("待复核行", "Rows awaiting review"),
    "home.review_hint": (
        "您可见的批量任务中需人工复核（review / none）且尚未决定的行",
        "Undecided review and none rows of the bulk jobs you can see",
    ),
    "browse.title": ("类目树", "Class tree"),
    "browse.top": ("顶层", "Top level"),
    "browse.children": ("{n} 个子类", "{n} subclasses"),
    "browse.expand": ("展开", "Expand"),
    "search.placeholder": ("中文、英文、拼音或编码", "Chinese, English, pinyin or a code"),
    "search.results": ("“{q}” 的搜索结果", "Results for “{q}”"),
    "search.no_results": ("没有找到结果", "No results"),
    "search.all_schemes": ("全部体系", "All schemes"),
    "search.path": ("路径", "Path"),
    "class.labels": ("名称", "Labels"),
    "class.definition": ("定义", "Definition"),
    "class.level": ("层级", "Level"),
    "class.version": ("版本号", "Version"),
    "class.replaced_by": ("已由此类目取代", "Replaced by"),
    "class.deprecated": ("此类目已废止", "This class is deprecated"),
    "class.ancestors": ("上级类目", "Ancestors"),
    "class.children": ("下级类目", "Subclasses"),
    "class.template": ("属性模板", "Attribute template"),
    "class.property": ("属性", "Property"),
    "class.data_type": ("数据类型", "Data type"),
    "class.unit": ("单位", "Unit"),
    "class.values": ("取值", "Values"),
    "class.required": ("必填", "Required"),
    "class.inherited": ("继承自 {code}", "inherited from {code}"),
    "class.own": ("本类目", "own"),
    "class.synonyms": ("同义词", "Synonyms"),
    "class.mappings": ("映射", "Mappings"),
    "class.relation": ("关系", "Relation"),
    "class.target": ("目标", "Target"),
    "class.items": ("标准品", "Standard items"),
    "class.filter": ("按属性值筛选", "Filter by property value"),
    "class.filter_apply": ("筛选", "Filter"),
    "class.history": ("变更历史", "History"),
    "class.before": ("修改前", "Before"),
    "class.after": ("修改后", "After"),
    "class.field": ("字段", "Field"),
    "class.edit": ("编辑", "Edit"),
    "class.propose": ("提出变更申请", "Propose a change"),
    "edit.title": ("编辑类目 {code}", "Edit class {code}"),
    "edit.synonyms_hint": (
        "每行一个：文本|语言|来源（语言默认为 zh-Hans，来源可省略）",
        "One a line: text|lang|source (lang defaults to zh-Hans; source may be left out)",
    ),
    "edit.saved": ("已保存（版本 {version}）", "Saved (version {version})"),
    "edit.conflict": (
        "保存前，{actor} 已于 {at} 修改了此类目（理由：{reason}）。您输入的内容保留如下；请对照对方的修改后再保存。",
        "{actor} changed this class at {at} before you saved (reason: {reason}). What you typed is kept below; "
        "compare it with their change, then save again.",
    ),
    "edit.theirs": ("对方的版本（当前）", "Their version (current)"),
    "edit.yours": ("您的版本", "Your version"),
    "edit.deprecate": ("废止类目", "Deprecate the class"),
    "edit.replaced_by_hint": ("取代它的类目编码（可留空）", "Code of the class that replaces it (optional)"),
    "edit.mapping": ("设置映射", "Set a mapping"),
    "edit.mapping_remove": ("删除此映射", "Remove this mapping"),
    "edit.add_value": ("为“{property}”添加取值", "Add a value to “{property}”"),
    "edit.attach": ("添加属性到模板", "Attach a property to the template"),
    "propose.kind": ("申请类型", "Kind"),
    "propose.add_synonym": ("添加同义词", "Add a synonym"),
    "propose.correction": ("更正名称", "Correct the labels"),
    "propose.sent": ("变更申请已提交，等待编辑审核", "Change request sent; an editor will decide it"),
    "requests.title": ("变更申请", "Change requests"),
    "requests.proposer": ("申请人", "Proposer"),
    "requests.target": ("对象", "Target"),
    "requests.payload": ("内容", "Content"),
    "requests.approve": ("批准", "Approve"),
    "requests.reject": ("驳回", "Reject"),
    "requests.comment": ("审核意见", "Comment"),
    "requests.decided": ("{who} 已处理：{why}", "Decided by {who}: {why}"),
    "requests.open": ("待处理", "open"),
    "requests.approved": ("已批准", "approved"),
    "requests.rejected": ("已驳回", "rejected"),
    "releases.title": ("{scheme} 的发布", "Releases of {scheme}"),
    "releases.number": ("发布号", "Release"),
    "releases.published_at": ("发布时间", "Published"),
    "releases.note": ("说明", "Note"),
    "releases.concepts": ("概念数", "Concepts"),
    "releases.publish": ("发布新版本", "Publish a release"),
    "releases.published": ("已发布第 {n} 版", "Release {n} published"),
    "releases.diff": ("比较两个发布", "Compare two releases"),
    "releases.diff_title": ("第 {a} 版 → 第 {b} 版", "Release {a} → release {b}"),
    "releases.added": ("新增", "Added"),
    "releases.changed": ("修改", "Changed"),
    "releases.deprecated": ("废止", "Deprecated"),
    "releases.removed": ("删除", "Removed"),
    "releases.none": ("尚无发布", "No releases yet"),
    "match.title": ("匹配试验", "Match playground"),
    "match.input": ("粘贴记录，每行一条", "Paste records, one a line"),
    "match.run": ("匹配", "Match"),
    "match.decision": ("结论", "Decision"),
    "match.values": ("识别出的属性值", "Values read"),
    "match.missing": ("缺少的必填属性", "Missing required values"),
    "match.conflicts": ("冲突", "Conflicts"),
    "match.reasons": ("依据", "Reasons"),
    "match.confirm": ("确认", "Confirm"),
    "match.correct": ("更正为此", "Correct to this"),
    "match.learned": ("已记录，匹配器已学习", "Recorded; the matcher has learnt it"),
    "match.not_ready": ("匹配器正在构建，请稍候再试", "The matcher is still being built; try again shortly"),
    "match.too_many": ("一次最多 {n} 行", "At most {n} lines at a time"),
    "batch.title": ("批量匹配任务", "Bulk matching jobs"),
    "batch.upload": ("上传目录文件", "Upload a catalog"),
    "batch.file": ("文件（CSV、TSV、XLSX、JSONL、Parquet）", "File (CSV, TSV, XLSX, JSONL, Parquet)"),
    "batch.format": ("结果格式", "Output format"),
    "batch.filename": ("文件名", "File"),
    "batch.state": ("状态", "State"),
    "batch.progress": ("进度", "Progress"),
    "batch.rows": ("行数", "Rows"),
    "batch.counts": ("各状态行数", "Rows per status"),
    "batch.created": ("提交时间", "Submitted"),
    "batch.result": ("下载结果", "Download the result"),
    "batch.review": ("复核", "Review"),
    "batch.reviewed": ("下载复核后的结果", "Download the reviewed result"),
    "batch.cancel": ("取消", "Cancel"),
    "review.title": ("复核：{name}", "Review: {name}"),
    "review.keys": ("按键：1-5 选择候选，n 无匹配，s 跳过", "Keys: 1-5 pick a candidate, n none, s skip"),
    "review.record": ("记录", "Record"),
    "review.candidates": ("候选", "Candidates"),
    "review.none": ("无匹配（n）", "None (n)"),
    "review.skip": ("跳过（s）", "Skip (s)"),
    "review.done": ("没有待复核的行了", "No rows left to review"),
    "review.progress": ("已决定 {done} / {total} 行", "{done} of {total} rows decided"),
    "review.bulk_accept": ("批量接受首选得分不低于此值的行", "Accept every row whose top score is at least"),
    "review.accepted": ("已接受 {n} 行", "{n} rows accepted"),
    "review.row": ("第 {row} 行", "Row {row}"),
    "review.taken": ("此行已由他人决定或正在复核", "Someone else decided or holds this row"),
    "keys.title": ("API 密钥", "API keys"),
    "keys.name": ("名称（谁的密钥）", "Name (whose key)"),
    "keys.role": ("角色", "Role"),
    "keys.create": ("创建密钥", "Create a key"),
    "keys.created": ("新密钥（只显示这一次，请复制保存）：", "The new key (shown only once; copy it now):"),
    "keys.revoke": ("吊销", "Revoke"),
    "keys.revoked": ("已吊销", "revoked"),
    "keys.active": ("有效", "active"),
}

_TO_TRADITIONAL = opencc.OpenCC("s2t")


@functools.cache
def message(key: str, lang: str) -> str:
    zh, en = CATALOGUE[key]
    if lang == "en":
        return en
    return _TO_TRADITIONAL.convert(zh) if lang == "zh-Hant" else zh


def translate(lang: str) -> Callable[..., str]:
    """A `t(key, **values)` for one language."""

    def t(key: str, **values: object) -> str:
        text = message(key, lang)
        return text.format(**values) if values else text

    return t


def choose_language(asked: str | None, cookie: str | None) -> str:
    for lang in (asked, cookie):
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE
