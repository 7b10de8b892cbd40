"""hub/ is the base the apps import, never the top that imports them.

Every module of hub/ is parsed (not imported) and each import read, those
inside functions too: only settings.py and urls.py (the root URLconf, which
includes every app's URLs) and hub/migrations (their history names the tables
they change) may name an app above the kernel. A lookup by name
(``import_module("editorial…")``, ``apps.get_model("editorial", …)``) counts
as an import; what the kernel needs of the apps is named in the settings
(HUB_UPDATE_MODEL, HUB_RECORD_STAGING) instead.

And no app's models.py imports another app's querysets module that imports
the first app's models back, at whatever depth: a circle the import order
alone keeps from breaking.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent.parent
HUB = ROOT / "hub"
# May name the apps: the composition root.
ALLOWED = {"hub/settings.py", "hub/urls.py"}
# The apps above the kernel: every project app outside hub/. The list the
# layering was written against must be among them (a renamed app fails here).
ABOVE = {"entities", "evidence", "editorial", "downloads", "derived", "pages", "bench"}
# Calls that import or look up a module or model by its name.
BY_NAME = {"import_module", "import_string", "__import__", "get_model", "get_app_config"}


def project_apps():
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT  # not the packages in .venv/
    }


def hub_modules():
    for path in sorted(HUB.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED or relative.startswith("hub/migrations/"):
            continue
        yield relative


def imported(tree, package):
    """(line, dotted name) of every import in a parsed module, relative ones resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in BY_NAME and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.lineno, first.value


def test_the_apps_above_the_kernel_are_the_project_s_other_apps():
    assert project_apps() - {"hub"} == ABOVE


@pytest.mark.parametrize("module", list(hub_modules()))
def test_no_module_of_the_kernel_imports_an_app_above_it(module):
    path = ROOT / module
    package = module.removesuffix(".py").replace("/", ".")
    if not module.endswith("__init__.py"):
        package = package.rsplit(".", 1)[0]
    else:
        package = package.removesuffix(".__init__")
    above = project_apps() - {"hub"}
    found = [
        f"line {line}: {name}"
        for line, name in imported(ast.parse(path.read_text(), module), package)
        if name and name.split(".")[0] in above
    ]
    assert not found, f"{module} imports an app above the kernel: {'; '.join(found)}"


def test_the_layering_check_sees_function_level_and_by_name_imports():
    source = (
        "def f():\n"
        "    from editorial.models import Update\n"
        "def g():\n"
        "    return apps.get_model('editorial', 'Update')\n"
        "import pages.views\n"
    )
    names = [name for _, name in imported(ast.parse(source), "hub")]
    assert "editorial.models" in names
    assert "editorial" in names
    assert "pages.views" in names


def models_and_querysets():
    """{dotted module: path} of every project app's models.py and querysets.py."""
    modules = {}
    for app in sorted(project_apps()):
        for name in ("models", "querysets"):
            path = ROOT / app / f"{name}.py"
            if path.exists():
                modules[f"{app}.{name}"] = path
    return modules


def import_graph(modules):
    """Module → the models/querysets modules it imports, at any level of the code."""
    graph = {}
    for module, path in modules.items():
        package = module.rsplit(".", 1)[0]
        names = {name for _, name in imported(ast.parse(path.read_text(), str(path)), package)}
        graph[module] = {
            other
            for other in modules
            if other != module
            and any(name == other or name.startswith(other + ".") for name in names)
        }
    return graph


def reaches(graph, start, goal):
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module == goal:
            return True
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return False


def test_no_models_module_imports_another_app_s_querysets_in_a_circle():
    modules = models_and_querysets()
    assert "entities.querysets" in modules
    assert "evidence.models" in modules
    graph = import_graph(modules)
    circles = [
        f"{module} imports {other}, which imports {module} back"
        for module, imports in graph.items()
        if module.endswith(".models")
        for other in imports
        if other.endswith(".querysets")
        and other.split(".")[0] != module.split(".")[0]
        and reaches(graph, other, module)
    ]
    assert not circles, "; ".join(circles)


def test_the_circle_check_sees_a_circle_through_other_modules():
    graph = {
        "a.models": {"b.querysets"},
        "b.querysets": {"c.models"},
        "c.models": {"a.models"},
    }
    assert reaches(graph, "b.querysets", "a.models")
    del graph["c.models"]
    assert not reaches(graph, "b.querysets", "a.models")
