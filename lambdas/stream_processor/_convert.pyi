"""C hot path of :mod:`lambdas.stream_processor.convert` (see ``_convert.c``)."""

from collections.abc import Callable
from typing import Any

def item(attributes: Any, /) -> dict[str, Any]: ...
def json_text(attributes: Any, /) -> str | None: ...
def decode_record(
    record: Any, known_arns: dict[str, tuple[str, str]], /
) -> tuple[str, str, str, str, int, str, str, str | None, str | None] | None: ...
def configure(
    value: Callable[[Any], Any],
    attribute: Callable[[Any], Any],
    element: Callable[[Any], Any],
    number: Callable[[Any], Any],
    fragment: Callable[[str], Any],
    item: Callable[[Any], dict[str, Any]],
) -> None: ...
