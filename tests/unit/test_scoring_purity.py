"""competition.scoring must stay free of the web and storage layers."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCORING = ROOT / "competition" / "scoring"


def test_import_loads_neither_flask_nor_sqlalchemy() -> None:
    code = (
        "import competition.scoring, sys, json; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(result.stdout) == []


def test_scoring_imports_nothing_from_the_rest_of_competition() -> None:
    """Static check, independent of what competition/__init__.py may import one day."""
    for path in sorted(SCORING.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                # a relative import may only reach siblings inside competition.scoring
                assert node.level <= 1, (path, node.level, node.module)
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in {"flask", "sqlalchemy", "flask_sqlalchemy"}, (path, name)
                if top == "competition":
                    assert name.startswith("competition.scoring"), (path, name)
