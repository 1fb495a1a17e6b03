"""The fixed stack with nothing of the service in it, for bench/floor.py.

gunicorn (the project's worker settings), Flask, flask-smorest with a webargs/marshmallow
argument schema, the official client configured as api/store makes it (orjson, no meta
header, the http.client node), and answers through orjson as the service's. One route sends
the body the service builds for a search of `q` sorted by date, and answers the hits'
`_source` as they come: no hooks, no logging, no metrics, no ETag, no query logic, no
shaping. What a request costs here is what any service on these components pays before it
does anything of its own.
"""

from typing import Any

import marshmallow as ma
from flask import Flask
from flask_smorest import Api, Blueprint

from api.config import load_settings
from api.store import make_client
from api.store.queries import Filters, SearchSpec, search_body
from api.web.jsonio import OrjsonProvider
from api.web.memory import freeze_loaded_heap

settings = load_settings()
client = make_client(settings)
search_path = f"/{settings.es_index_prefix}articles/_search"
headers = {"content-type": "application/json", "accept": "application/json"}

app = Flask(__name__)
app.json = OrjsonProvider(app)  # the fastest answers the stack can give, as the service's
app.config.update(API_TITLE="floor", API_VERSION="1", OPENAPI_VERSION="3.0.2")
api = Api(app)
blueprint = Blueprint("floor", __name__)


class FloorArgs(ma.Schema):
    q = ma.fields.String(required=True)
    per_page = ma.fields.Integer(load_default=20)


@blueprint.route("/ready")
def ready() -> dict[str, Any]:
    return {"status": "ready"}


@blueprint.route("/search")
@blueprint.arguments(FloorArgs(), location="query")
@blueprint.response(200)
def search(args: dict[str, Any]) -> dict[str, Any]:
    spec = SearchSpec(
        q=args["q"], filters=Filters(entities=()), sort="-published_at", size=args["per_page"]
    )
    answer = client.perform_request("POST", search_path, body=search_body(spec), headers=headers)
    hits = answer.body["hits"]
    return {"total": hits["total"], "items": [hit["_source"] for hit in hits["hits"]]}


api.register_blueprint(blueprint)
freeze_loaded_heap()  # as api/wsgi.py does before the fork
