"""Flask's JSON answers through orjson.

Searches and entity lists are answered straight from stored documents, so serialising them is
a large share of the service's own time per request; orjson does it several times faster than
the standard library (bench/README.md). Keys stay sorted, as with Flask's default provider.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.pop("separators", None)  # orjson's output is always compact
        if kwargs:  # indentation in debug mode, or other json.dumps options
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """jsonify: orjson's bytes go into the response as they are (no str round trip)."""
        if self.compact is False or (self.compact is None and self._app.debug):
            default: Response = super().response(*args, **kwargs)  # type: ignore[assignment]
            return default
        obj = self._prepare_response_obj(args, kwargs)
        body = orjson.dumps(obj, default=self.default, option=_OPTIONS) + b"\n"
        return Response(body, mimetype=self.mimetype)
