"""marshmallow fields that speak to judges in Chinese and take scores as exact decimals."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields

from competition.core import normalise
from competition.models.types import MAX_ID
from competition.scoring.values import PLACES_MESSAGE, has_places

REQUIRED = "必填"
NOT_NULL = "不能为空值"

_common = {"required": REQUIRED, "null": NOT_NULL, "validator_failed": "取值无效"}


class String(fields.String):
    """Text with surrounding white space dropped (a name typed with a stray space is the same
    name); `strip=False` keeps it exactly, as a password must be."""

    default_error_messages = {**_common, "invalid": "应为文字", "invalid_utf8": "文字编码无效"}

    def __init__(
        self,
        *,
        strip: bool = True,
        normaliser: Callable[[str], str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.strip = strip
        # One of `competition.core.normalise`'s, applied before the validators look at the value,
        # so a contest number typed in full width passes the format a half-width one does.
        self.normaliser = normaliser

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        result = super()._deserialize(value, attr, data, **kwargs)
        if self.normaliser is not None and isinstance(result, str):
            return self.normaliser(result)
        return result.strip() if self.strip and isinstance(result, str) else result


class Integer(fields.Integer):
    """A whole number; JSON booleans are refused even though Python counts them as integers."""

    default_error_messages = {**_common, "invalid": "应为整数", "too_large": "数值过大"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        result = super()._deserialize(value, attr, data, **kwargs)
        if result is not None and abs(result) > MAX_ID:
            raise self.make_error("too_large")
        return result


class Boolean(fields.Boolean):
    """Only JSON true and false: "yes", 1 and the like are refused rather than guessed."""

    default_error_messages = {**_common, "invalid": "应为 true 或 false"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class List(fields.List):
    default_error_messages = {**_common, "invalid": "应为列表"}


class Nested(fields.Nested):
    default_error_messages = {**_common, "type": "应为对象"}


# A decimal as text: what requests may send as a string and what responses always send.
DECIMAL_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
_PLAIN_DECIMAL = re.compile(DECIMAL_PATTERN)
# No score, weight or maximum comes near this; anything beyond is a typo or an attack.
_LARGEST = Decimal("1e12")


class DecimalValue(fields.Field):
    """A score or weight: a JSON number or a plain decimal string in, a decimal string out.

    Numbers arrive as `Decimal` (the API parses JSON with `parse_float=Decimal`), so no binary
    float ever touches a score. NaN, infinities, booleans and other strings are refused.
    """

    default_error_messages = {
        **_common,
        "invalid": "应为数字",
        "absence": "缺考、弃权不作为分数录入：请由裁判长或组委会登记缺考/弃权，此处留空",
        "places": PLACES_MESSAGE,
        "too_large": "数值过大",
    }

    def __init__(self, places: int = 2, dump_places: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.places = places
        self.dump_places = places if dump_places is None else dump_places

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, str) and _PLAIN_DECIMAL.match(normalise.decimal_text(value)):
            number = Decimal(normalise.decimal_text(value))
        elif isinstance(value, str) and normalise.absence_status(value):
            raise self.make_error("absence")
        else:
            raise self.make_error("invalid")
        if not number.is_finite():
            raise self.make_error("invalid")
        if abs(number) >= _LARGEST:
            raise self.make_error("too_large")
        if not has_places(number, self.places):
            raise self.make_error("places", places=self.places)
        return number + 0  # drops a negative zero's sign

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return format_decimal(value, self.dump_places)


def format_decimal(value: Decimal | int, places: int = 2) -> str:
    """At least `places` decimals, more only where the value has them (weights like 0.125)."""
    value = Decimal(value)
    quantum = Decimal(1).scaleb(-places)
    if value == value.quantize(quantum):
        return str(value.quantize(quantum))
    return str(value.normalize())


class BaseSchema(Schema):
    error_messages = {"unknown": "未知字段", "type": "应为 JSON 对象"}
