"""Chinese first: pages come in zh_Hans_CN unless a user chooses English."""

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import core
import tenants
from core.testing import translation_clashes
from tests.conftest import login

CATALOGUES = [
    Path(core.__file__).parent / "translations",
    Path(tenants.__file__).parent / "translations",
]


def test_a_fresh_visitor_sees_chinese(client):
    page = client.get("/login").text
    assert 'lang="zh-CN"' in page
    assert "登录" in page and "用户名" in page and "密码" in page
    r = client.post("/login", data={"username": "nobody", "password": "wrong-password"})
    assert "用户名或密码错误" in r.text


def test_errors_in_chinese_and_english(as_user):
    c = as_user("d_admin")
    bad_code = {"parent": "110105", "kind": "street", "code": "110106001", "name": "x"}
    no_name = {"parent": "110105", "kind": "street", "code": "110105009", "name": " "}
    r = c.post("/api/v1/nodes", json=bad_code)
    assert r.json["error"]["message"] == "部分字段填写有误。"
    assert r.json["error"]["fields"]["code"] == ["编码必须以上级编码110105开头。"]
    assert c.post("/api/v1/nodes", json=no_name).json["error"]["fields"]["name"] == [
        "此项为必填项。"
    ]
    c.post("/locale", data={"locale": "en"})
    r = c.post("/api/v1/nodes", json=bad_code)
    assert r.json["error"]["message"] == "Some fields are not valid."
    assert r.json["error"]["fields"]["code"] == [
        "The code must begin with its parent's code 110105."
    ]
    assert c.post("/api/v1/nodes", json=no_name).json["error"]["fields"]["name"] == [
        "This field is required."
    ]


def test_language_is_kept_per_user(app, world, as_user):
    c = as_user("worker")
    assert "辖区树" in c.get("/").text
    c.post("/locale", data={"locale": "en", "next": "/"})
    assert "Tenant tree" in c.get("/").text
    other = app.test_client()
    login(other, "worker")  # the preference follows the account to a new session
    assert "Tenant tree" in other.get("/").text
    assert 'lang="en"' in other.get("/").text


@pytest.mark.parametrize("folder", CATALOGUES, ids=lambda p: p.parent.name)
def test_every_message_has_a_chinese_translation(folder):
    with (folder / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    missing = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not missing and not fuzzy


@pytest.mark.parametrize("folder", CATALOGUES, ids=lambda p: p.parent.name)
def test_catalogues_cover_the_source(folder, tmp_path):
    """Every translatable string in the code is in the catalogue (run scripts/update-translations.sh)."""
    from babel.messages.extract import extract_from_dir

    with (folder / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        known = {m.id for m in read_po(f) if m.id}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        folder.parent, method_map=method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    assert found - known == set()


EXAMPLE_PLUGIN = Path(__file__).parents[2] / "examples" / "eldercare" / "jiedao_eldercare"


def test_no_two_catalogues_translate_a_msgid_differently(app):
    """Catalogues merge into one domain: a msgid translated two ways shows one of them
    everywhere (the tree's "Parent" became the registry's 父母)."""
    assert translation_clashes(app) == []
    assert translation_clashes(app, EXAMPLE_PLUGIN) == []


def write_catalogue(package: Path, entries: dict[str, str], locale: str = "zh_Hans_CN") -> Path:
    po = package / "translations" / locale / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())
    po.write_text(f'msgid ""\nmsgstr ""\n"Language: {locale}\\n"\n\n{body}', encoding="utf-8")
    return po


def test_a_clash_names_the_msgid_and_both_catalogues(app, tmp_path):
    # 辖区树 is tenants' wording of "Tenant tree"; 用户名 is core's of "Username".
    po = write_catalogue(
        tmp_path / "jiedao_parks",
        {"Tenant tree": "组织树", "Username": "用户名", "Park": "公园"},
    )
    tenants_po = Path(tenants.__file__).parent / "translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    clashes = translation_clashes(app, tmp_path / "jiedao_parks")
    assert clashes == [
        f"msgid 'Tenant tree' (zh_Hans_CN) is '辖区树' in {tenants_po.resolve()} "
        f"but '组织树' in {po.resolve()}"
    ]
    assert translation_clashes(app, tmp_path / "jiedao_parks", locales=["en"]) == []


def test_clashes_are_found_between_any_two_catalogues_in_merge_order(tmp_path):
    from core.i18n import catalogue_clashes

    first = write_catalogue(tmp_path / "a", {"Open": "打开", "Close": "关闭"})
    second = write_catalogue(tmp_path / "b", {"Open": "开放", "Close": "关闭"})
    third = write_catalogue(tmp_path / "c", {"Open": "开放"})
    found = catalogue_clashes([p.parents[2] for p in (first, second, third)], ["zh_Hans_CN"])
    assert [(c.msgid, c.first, c.first_text, c.second, c.second_text) for c in found] == [
        ("Open", first, "打开", second, "开放"),
        ("Open", first, "打开", third, "开放"),
    ]


def test_two_compiles_at_once_both_leave_a_whole_catalogue(tmp_path, monkeypatch):
    """Test workers or app servers starting together compile the same catalogue: one's rename
    must not take the file the other is still writing."""
    from babel.messages.mofile import read_mo

    from core import i18n

    po = Path(__file__).resolve().parents[2] / "core/translations/zh_Hans_CN/LC_MESSAGES"
    mo = tmp_path / "messages.mo"
    real_write = i18n.write_mo
    nested = []

    def write_while_another_compiles(file, catalogue, **options):
        if not nested:  # the other process compiles in the middle of this one's write
            nested.append(True)
            i18n.compile_catalogue(po / "messages.po", mo)
        real_write(file, catalogue, **options)

    monkeypatch.setattr(i18n, "write_mo", write_while_another_compiles)
    i18n.compile_catalogue(po / "messages.po", mo)
    with mo.open("rb") as f:
        assert read_mo(f).get("Targets").string == "目标管理"
    assert [p.name for p in tmp_path.iterdir()] == ["messages.mo"]  # no temporary file left


PROJECT = Path(core.__file__).parent.parent
ALL_CATALOGUES = sorted(
    p.relative_to(PROJECT)
    for top in ("core", "tenants", "plugins", "examples")
    for p in (PROJECT / top).rglob("messages.po")
)


def defined_msgids(po: Path) -> list[str]:
    """Every msgid the file defines, in order (continuation lines joined; the header's empty
    msgid left out). Babel's reader keeps one of two definitions silently, so it cannot tell."""
    found, current, collecting = [], None, False
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current, collecting = ast.literal_eval(line[6:]), True
        elif collecting and line.startswith('"'):
            current += ast.literal_eval(line)
        elif collecting:
            collecting = False
            if current:
                found.append(current)
    return found


@pytest.mark.parametrize("po", ALL_CATALOGUES, ids=str)
def test_no_catalogue_defines_a_msgid_twice(po):
    """A msgid defined twice in one catalogue shows one of its translations, which one depending
    on the tool (msgfmt refuses the file)."""
    ids = defined_msgids(PROJECT / po)
    assert ALL_CATALOGUES and ids
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
