"""The workbench over plain HTTP: pages render from the real store, the session cookie, CSRF and
roles refuse what they must (403, nothing changed), languages switch."""

from __future__ import annotations

import re

import pytest

from ontology.queries import get_class
from tests.bundles import BOLTS, FASTENERS, HEX_BOLT
from tests.web_support import csrf_of, sign_in, workbench, workbench_keys


@pytest.fixture
def keys(store):
    return workbench_keys(store)


def test_pages_render_for_anonymous_readers(tmp_path, connection, keys):
    with workbench(connection, tmp_path) as client:
        home = client.get("/")
        assert home.status_code == 200 and "浙江产品主数据标准" in home.text
        tree = client.get("/browse/CPMS")
        assert tree.status_code == 200 and FASTENERS in tree.text and "紧固件" in tree.text
        level = client.get(f"/browse/CPMS/children?parent={FASTENERS}")
        assert BOLTS in level.text and "螺栓" in level.text and FASTENERS not in level.text
        crumbs = client.get(f"/browse/CPMS?parent={BOLTS}")
        assert "六角头螺栓" in crumbs.text and f"parent={FASTENERS}" in crumbs.text
        page = client.get(f"/classes/CPMS/{HEX_BOLT}")
        assert page.status_code == 200
        for text in (
            "六角头螺栓",
            "Hexagon head bolt",
            "外六角螺丝",
            "thread_size",
            "继承自",
            "M8",
            "六角头螺栓 M8×30 304",
        ):
            assert text in page.text, text
        assert 'id="edit-link"' not in page.text and 'name="csrf"' not in page.text.split("<main>")[1]
        mapped = client.get(f"/classes/CPMS/{BOLTS}")
        assert 'href="/classes/UNSPSC/31161600"' in mapped.text
        assert client.get("/classes/CPMS/99999999-X").status_code == 404
        assert client.get("/releases/CPMS").status_code == 200
        assert client.get("/requests").status_code == 403  # the editors' queue


def test_search_in_chinese_english_pinyin_and_codes(tmp_path, connection, keys):
    with workbench(connection, tmp_path) as client:
        for text in ("六角头螺栓", "hexagon", "liujiaotou", HEX_BOLT):
            found = client.get("/search", params={"q": text, "scheme": "CPMS"})
            assert found.status_code == 200
            assert f'href="/classes/CPMS/{HEX_BOLT}"' in found.text, text
        path = client.get("/search", params={"q": "六角头螺栓", "scheme": "CPMS"}).text
        assert "紧固件 › 螺栓 ›" in path
        for code in (HEX_BOLT, HEX_BOLT.split("-")[0], "31161600"):  # any scheme; without the check character
            found = client.get("/search", params={"q": code})
            assert found.status_code == 200 and 'class="exact"' in found.text, code


def test_language_switch_and_traditional_chinese(tmp_path, connection, keys):
    with workbench(connection, tmp_path) as client:
        english = client.get(f"/classes/CPMS/{FASTENERS}?lang=en")
        assert "Fasteners" in english.text and "Attribute template" in english.text
        assert client.cookies.get("cpms_lang") == "en"
        assert "Class tree" in client.get("/browse").text  # the choice is kept
        traditional = client.get(f"/classes/CPMS/{FASTENERS}?lang=zh-Hant").text
        assert "緊固件" in traditional and "屬性模板" in traditional


def test_sign_in_gives_a_signed_httponly_samesite_cookie_and_sign_out_ends_it(tmp_path, connection, keys):
    with workbench(connection, tmp_path) as client:
        token = csrf_of(client.get("/login").text)
        bad = client.post("/login", data={"key": "cpms_nope_nope", "csrf": token})
        assert bad.status_code == 401 and "API 密钥无效" in bad.text
        response = client.post("/login", data={"key": keys["editor"], "csrf": token}, follow_redirects=False)
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and keys["editor"] not in cookie
        home = client.get("/")
        assert "test editor" in home.text and 'id="sign-out"' in home.text
        # a tampered cookie is no session
        value = client.cookies.get("cpms_session")
        assert value is not None
        client.cookies.clear()
        client.cookies.set("cpms_session", value[:-3] + "abc")
        assert "test editor" not in client.get("/").text
        sign_in(client, keys["editor"])
        out = client.post("/logout", data={"csrf": csrf_of(client.get("/").text)}, follow_redirects=False)
        assert out.status_code == 303
        assert "test editor" not in client.get("/").text


def _found(pattern: str, text: str) -> str:
    found = re.search(pattern, text, re.S)
    assert found, pattern
    return found.group(1)


def _edit_form(client, version: int, token: str) -> dict[str, str]:
    return {
        "csrf": token, "version": str(version), "labels_zhHans": "六角螺栓（改）", "labels_zhHant": "",
        "labels_en": "Hex bolt", "synonyms": "外六角螺丝", "reason": "test",
    }  # fmt: skip


def test_forged_and_tokenless_posts_and_readers_edits_are_refused(tmp_path, connection, store, keys):
    before = get_class(store, "CPMS", HEX_BOLT)
    with workbench(connection, tmp_path) as client:
        sign_in(client, keys["editor"])
        url = f"/classes/CPMS/{HEX_BOLT}/edit"
        missing = client.post(url, data={k: v for k, v in _edit_form(client, 1, "").items() if k != "csrf"})
        assert missing.status_code == 403 and "令牌" in missing.text
        forged = client.post(url, data=_edit_form(client, 1, "forged-token"))
        assert forged.status_code == 403
    with workbench(connection, tmp_path) as reader:
        sign_in(reader, keys["reader"])
        page = reader.get(f"/classes/CPMS/{HEX_BOLT}")
        assert 'id="edit-link"' not in page.text and 'id="propose-link"' not in page.text
        token = csrf_of(page.text)
        refused = reader.post(url, data=_edit_form(reader, before.concept.version, token))
        assert refused.status_code == 403 and "无权" in refused.text
        assert reader.get(url).status_code == 403
        assert reader.post("/releases/CPMS", data={"csrf": token, "note": "x"}).status_code == 403
        assert reader.get("/keys").status_code == 403
    after = get_class(store, "CPMS", HEX_BOLT)
    assert after.concept.version == before.concept.version and after.concept.labels == before.concept.labels


def test_an_editor_saves_with_the_expected_version_and_a_stale_form_conflicts(tmp_path, connection, store, keys):
    with workbench(connection, tmp_path) as client:
        sign_in(client, keys["editor"])
        url = f"/classes/CPMS/{HEX_BOLT}/edit"
        token = csrf_of(client.get(url).text)
        version = get_class(store, "CPMS", HEX_BOLT).concept.version
        saved = client.post(url, data=_edit_form(client, version, token), follow_redirects=False)
        assert saved.status_code == 303
        assert get_class(store, "CPMS", HEX_BOLT).concept.labels.zh_hans == "六角螺栓（改）"
        stale = dict(_edit_form(client, version, token), labels_zhHans="我的改动", reason="mine")
        conflict = client.post(url, data=stale)
        assert conflict.status_code == 409
        assert "我的改动" in conflict.text and "六角螺栓（改）" in conflict.text and "test editor" in conflict.text
        assert get_class(store, "CPMS", HEX_BOLT).concept.labels.zh_hans == "六角螺栓（改）"


def test_with_anonymous_reading_off_pages_ask_to_sign_in(tmp_path, connection, keys):
    with workbench(connection, tmp_path, anonymous_read=False) as client:
        response = client.get("/browse/CPMS", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        assert client.get("/login").status_code == 200
        sign_in(client, keys["reader"])
        assert client.get("/browse/CPMS").status_code == 200


def test_graphiql_and_htmx_are_served_from_the_package(tmp_path, connection, keys):
    with workbench(connection, tmp_path) as client:
        graphiql = client.get("/graphql", headers={"accept": "text/html"}).text
        assert "unpkg.com" not in graphiql and "/static/vendor/graphiql.min.js" in graphiql
        for name in ("graphiql.min.js", "graphiql.min.css", "react.production.min.js", "htmx.min.js"):
            assert client.get(f"/static/vendor/{name}").status_code == 200, name


def test_an_admin_creates_and_revokes_keys_and_a_revoked_keys_session_ends(tmp_path, connection, keys):
    with workbench(connection, tmp_path) as admin, workbench(connection, tmp_path / "other") as holder:
        sign_in(admin, keys["admin"])
        token = csrf_of(admin.get("/keys").text)
        created = admin.post("/keys", data={"csrf": token, "name": "Jinhua editor", "role": "editor"})
        assert created.status_code == 200 and "Jinhua editor" in created.text
        new_key = _found(r'id="new-key">([^<]+)<', created.text)
        sign_in(holder, new_key)
        assert "Jinhua editor" in holder.get("/").text
        key_id = new_key.split("_")[1]
        assert admin.post(f"/keys/{key_id}/revoke", data={"csrf": token}, follow_redirects=False).status_code == 303
        assert "Jinhua editor" not in holder.get("/").text  # the session ended with the key
        refused = admin.post("/keys", data={"csrf": token, "name": "x", "role": "emperor"})
        assert "role must be one of" in refused.text


def test_an_editor_adds_a_value_a_mapping_and_a_template_entry(tmp_path, connection, store, keys):
    with workbench(connection, tmp_path) as client:
        sign_in(client, keys["editor"])
        form = client.get(f"/classes/CPMS/{HEX_BOLT}/edit").text
        token = csrf_of(form)
        version = _found(r'id="value-form-thread_size".*?name="version" value="(\d+)"', form)
        added = client.post(
            f"/classes/CPMS/{HEX_BOLT}/values",
            data={"csrf": token, "property": "thread_size", "version": version, "value_code": "M12",
                  "value_zhHans": "M12", "value_en": "M12", "reason": "new size"},
        )  # fmt: skip
        assert added.status_code == 200 and "M12" in added.text
        stale = client.post(
            f"/classes/CPMS/{HEX_BOLT}/values",
            data={"csrf": token, "property": "thread_size", "version": version, "value_code": "M14",
                  "value_zhHans": "M14", "reason": "again"},
        )  # fmt: skip
        assert stale.status_code == 409
        class_version = str(get_class(store, "CPMS", HEX_BOLT).concept.version)
        mapped = client.post(
            f"/classes/CPMS/{HEX_BOLT}/mapping",
            data={"csrf": token, "version": class_version, "relation": "broadMatch", "to_scheme": "UNSPSC",
                  "to_code": "31161600", "reason": "closest UNSPSC class"},
        )  # fmt: skip
        assert 'href="/classes/UNSPSC/31161600"' in mapped.text
        class_version = str(get_class(store, "CPMS", HEX_BOLT).concept.version)
        bad = client.post(
            f"/classes/CPMS/{HEX_BOLT}/attach",
            data={"csrf": token, "version": class_version, "property": "no_such_property", "reason": "x"},
        )
        assert bad.status_code == 400 and "no_such_property" in bad.text
