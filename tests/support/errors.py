"""The contract's one error shape, asserted the same way by every test."""

from __future__ import annotations

from typing import Any


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The contract's one error shape, with `field` named in `fields` when given."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if field is not None:
        assert field in error["fields"], error
        assert error["fields"][field] and all(isinstance(m, str) for m in error["fields"][field])
    return error
