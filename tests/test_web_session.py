"""The workbench's parts that need no server: the session secret kept in the state folder, signed
cookies, and a message catalogue that every template's key is in."""

from __future__ import annotations

import re
import stat

from service.web.base import HERE
from service.web.messages import CATALOGUE, translate
from service.web.session import Session, session_secret


def test_the_session_secret_is_made_once_kept_private_and_a_configured_one_wins(tmp_path):
    first = session_secret(None, tmp_path / "home")
    assert len(first) > 40 and session_secret(None, tmp_path / "home") == first
    assert stat.S_IMODE((tmp_path / "home" / "session_secret").stat().st_mode) == 0o600
    assert session_secret("configured", tmp_path / "home") == "configured"


def test_a_csrf_token_matches_only_itself_and_changes_at_sign_in_and_out():
    session = Session(csrf="token-1")
    assert session.token_matches("token-1")
    assert not session.token_matches(None) and not session.token_matches("") and not session.token_matches("x")
    session.sign_in("key1")
    assert session.key_id == "key1" and not session.token_matches("token-1")
    before = session.csrf
    session.sign_out()
    assert session.key_id is None and session.csrf != before


def test_every_message_a_template_or_handler_asks_for_is_in_the_catalogue_in_each_language():
    sources = [*HERE.glob("templates/*.html"), *HERE.glob("*.py")]
    asked = set()
    for path in sources:
        asked |= set(re.findall(r'\bt\(\s*"([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
        asked |= set(re.findall(r"\bt\(\s*'([a-z_]+\.[a-z_]+)'", path.read_text(encoding="utf-8")))
    assert asked and not asked - set(CATALOGUE), sorted(asked - set(CATALOGUE))
    for key, (zh, en) in CATALOGUE.items():
        assert zh and en, key
        assert sorted(re.findall(r"{(\w+)}", zh)) == sorted(re.findall(r"{(\w+)}", en)), key
    assert translate("zh-Hant")("class.template") == "屬性模板"
    assert translate("en")("review.progress", done=1, total=5) == "1 of 5 rows decided"
