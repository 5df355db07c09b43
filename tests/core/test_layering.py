"""Built-in plugins import each other only along the dependencies their manifests declare
(core and tenants never import plugins: import-linter checks that in CI, see setup.cfg)."""

import importlib
import pkgutil

import grimp

import plugins


def built_in_plugins() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(plugins.__path__):
        module = importlib.import_module(f"plugins.{info.name}")
        found[info.name] = module
    return found


def test_built_in_plugins_import_only_declared_dependencies():
    graph = grimp.build_graph("plugins", "core", "tenants")
    for name, module in built_in_plugins().items():
        allowed = {name, *getattr(module.manifest, "requires", ())}
        for other in built_in_plugins():
            if other in allowed:
                continue
            chain = graph.find_shortest_chain(
                importer=f"plugins.{name}", imported=f"plugins.{other}"
            )
            assert chain is None, (
                f"plugins.{name} imports plugins.{other} without requiring it: {chain}"
            )


def test_the_checker_sees_an_undeclared_import(tmp_path, monkeypatch):
    """The check above is not vacuous: a package importing an undeclared sibling is caught."""
    pkg = tmp_path / "fakeplugins"
    (pkg / "alpha").mkdir(parents=True)
    (pkg / "beta").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "alpha" / "__init__.py").write_text("from fakeplugins import beta  # noqa\n")
    (pkg / "beta" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("fakeplugins")
    assert graph.find_shortest_chain(importer="fakeplugins.alpha", imported="fakeplugins.beta")
