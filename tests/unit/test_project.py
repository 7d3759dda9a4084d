"""The shape of the project: a pure domain, a valid compose file, CI that runs the README's test."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_DOMAIN_IMPORTS = {"eventsourcing.domain", "ledger.domain"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_the_domain_imports_only_the_standard_library_and_eventsourcing_domain() -> None:
    import sys

    offenders = []
    for path in (ROOT / "ledger" / "domain").glob("*.py"):
        for module in imported_modules(path):
            top = module.split(".")[0]
            allowed = top in sys.stdlib_module_names or top == "__future__"
            allowed = allowed or any(module.startswith(a) for a in ALLOWED_DOMAIN_IMPORTS)
            if not allowed:
                offenders.append(f"{path.name}: {module}")
    assert offenders == []


def test_ledger_holds_folders_one_per_concern_not_loose_modules() -> None:
    loose = sorted(p.name for p in (ROOT / "ledger").glob("*.py"))
    assert loose == ["__init__.py", "settings.py"]
    for folder in ("application", "storage", "cli", "demo", "domain", "api", "web"):
        init = ROOT / "ledger" / folder / "__init__.py"
        assert init.exists(), folder
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), folder


def test_labels_imports_nothing_from_ledger() -> None:
    offenders = [
        f"{path.name}: {module}"
        for path in (ROOT / "labels").glob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] == "ledger"
    ]
    assert offenders == []


def test_docker_compose_wires_postgres_and_the_api() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "api"} <= set(services)
    api = services["api"]
    assert "ledger serve" in api["command"]
    env = api["environment"]
    assert env["LEDGER_DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in env["LEDGER_DATABASE_URL"]
    for name in ("LEDGER_BOOTSTRAP_ADMIN_TOKEN", "LEDGER_SECRET_KEY", "LEDGER_PUBLIC_BASE_URL"):
        assert name in env
    assert api["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert env["LEDGER_PROJECTIONS"] == "external"
    projector = services["projector"]
    assert "ledger project" in projector["command"]
    assert projector["environment"]["LEDGER_DATABASE_URL"] == env["LEDGER_DATABASE_URL"]
    database = services["postgres"]["environment"]
    url = env["LEDGER_DATABASE_URL"]
    assert f"{database['POSTGRES_USER']}:{database['POSTGRES_PASSWORD']}@" in url
    assert url.endswith("/" + database["POSTGRES_DB"])


def test_ci_runs_the_test_command_the_readme_gives() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    sections = {part.split("\n", 1)[0]: part for part in readme.split("\n## ")[1:]}
    assert "make test" in sections["Test it"]
    assert ci.rstrip().endswith("make test")
