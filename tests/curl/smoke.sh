#!/usr/bin/env bash
# End-to-end smoke test driven only through curl against a running service.
#
#   BASE_URL=http://127.0.0.1:8000 API_KEY=secret tests/curl/smoke.sh
#
# With API_KEY set the service must have been started with API_KEYS containing it, and the
# script also checks that a write without it is refused. Exits non-zero at the first failure.
#
# It runs against any service, however many articles it already holds: its article carries an
# outlet of this run's own ("Smoke Tribune <run id>", SMOKE_RUN_ID or a random one), every
# search filters by it, and the article is deleted on the way out, also when a step fails.
set -euo pipefail

BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"
API_KEY="${API_KEY:-}"
RUN_ID="${SMOKE_RUN_ID:-$(date +%s)-$$-$RANDOM}"
OUTLET="Smoke Tribune $RUN_ID"
OUTLET_QUERY="outlet=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$OUTLET")"
BODY="$(mktemp)"
ID=""
auth=()
[ -n "$API_KEY" ] && auth=(-H "Authorization: Bearer $API_KEY")

step() { printf '%-58s' "$1"; }
ok() { echo "ok"; }
fail() { echo "FAILED: $*"; echo "--- body:"; cat "$BODY"; echo; exit 1; }

# request METHOD PATH [curl args...] -> prints the status; the body lands in $BODY
request() {
  local method=$1 path=$2; shift 2
  curl -sS -o "$BODY" -w '%{http_code}' -X "$method" "$BASE_URL$path" "$@"
}

# json EXPRESSION -> evaluates a Python expression over the body parsed as `b`
json() { python3 -c "import json,sys; b=json.load(open(sys.argv[1])); print($1)" "$BODY"; }

expect_status() {
  local want=$1 got=$2
  [ "$got" = "$want" ] || fail "expected HTTP $want, got $got"
}

ARTICLE='{"text": "By Mara Quint\n\nPresident Olena Kravets visited Kharkiv on Monday. Kravets met the mayor of Kharkiv and later flew to Lviv.", "url": "https://smoke.example/kravets-visit/'"$RUN_ID"'", "outlet": "'"$OUTLET"'", "published_at": "2025-05-04"}'

# Whatever happened, the service is left as it was found.
cleanup() {
  if [ -n "$ID" ]; then
    curl -sS -o /dev/null -X DELETE "$BASE_URL/articles/$ID?refresh=wait_for" "${auth[@]}" || true
  fi
  rm -f "$BODY"
}
trap cleanup EXIT

step "GET /health"
expect_status 200 "$(request GET /health)"; ok

if [ -n "$API_KEY" ]; then
  step "POST /articles without a key is 401 problem+json"
  status=$(request POST /articles -H 'Content-Type: application/json' -d "$ARTICLE")
  expect_status 401 "$status"
  [ "$(json 'b["type"]')" = "urn:article-api:problem:unauthorized" ] || fail "wrong problem type"
  ok
fi

step "POST /articles creates the article (201, Location)"
status=$(request POST '/articles?refresh=wait_for' "${auth[@]}" \
  -H 'Content-Type: application/json' -d "$ARTICLE")
expect_status 201 "$status"
ID=$(json 'b["id"]')
[ -n "$ID" ] || fail "no id"
ok

step "POST again is idempotent (200, same id)"
expect_status 200 "$(request POST /articles "${auth[@]}" -H 'Content-Type: application/json' -d "$ARTICLE")"
[ "$(json 'b["id"]')" = "$ID" ] || fail "a second id was made"
ok

step "GET /articles/{id}"
expect_status 200 "$(request GET "/articles/$ID")"
[ "$(json 'b["outlet"]["name"]')" = "$OUTLET" ] || fail "outlet not kept"
[ "$(json '",".join(a["name"] + ":" + a["type"] for a in b["authors"])')" = "Mara Quint:person" ] || fail "author not extracted"
ok

step "search by person (surname, any case)"
expect_status 200 "$(request GET "/articles?person=kravets&$OUTLET_QUERY")"
[ "$(json '[i["id"] for i in b["items"]]')" = "['$ID']" ] || fail "person search missed it"
ok

step "search by region (the country finds a city or oblast)"
expect_status 200 "$(request GET "/articles?region=UA&$OUTLET_QUERY")"
[ "$(json 'b["total"]["value"]')" = "1" ] || fail "region search missed it"
ok

step "facets"
expect_status 200 "$(request GET "/articles?facets=people,regions,outlets&$OUTLET_QUERY")"
[ "$(json '[f["value"] for f in b["facets"]["outlets"]]')" = "['$OUTLET']" ] \
  || fail "outlet facet wrong"
json '[f["value"] for f in b["facets"]["people"]]' | grep -q "Olena Kravets" || fail "person facet"
ok

step "a validation error is 422 problem+json naming the field"
status=$(request POST /articles "${auth[@]}" -H 'Content-Type: application/json' \
  -d '{"text": "x", "url": "ftp://nope"}')
expect_status 422 "$status"
[ "$(json '"url" in b["errors"]')" = "True" ] || fail "field not named"
ok

step "DELETE /articles/{id} (204), then GET is 404"
expect_status 204 "$(request DELETE "/articles/$ID?refresh=wait_for" "${auth[@]}")"
expect_status 404 "$(request GET "/articles/$ID")"
ID=""
ok

echo "curl smoke test: all steps passed against $BASE_URL"
