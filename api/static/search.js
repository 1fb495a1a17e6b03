/*
 * Article search: a small, dependency-free search page over the public API (GET /articles).
 *
 * Embed it in any page with an element and this script; the script adds its own stylesheet:
 *
 *   <div id="article-search" data-api="https://articles.example.org"></div>
 *   <script src="https://articles.example.org/static/search.js" defer></script>
 *
 * Besides results, the page draws (plain SVG from this script, nothing loaded from elsewhere) a
 * timeline of the query's articles (choosing a bar narrows the dates), a "trending now" panel
 * for the current filters (GET /trends), a page per person and per region reached by clicking a
 * name (entity=people:NAME or entity=regions:CODE in the URL), and related articles under an
 * opened result (GET /articles/{id}/related).
 *
 * Options on the element (all optional):
 *   data-api       base URL of the API; default: the page's own origin.
 *   data-per-page  results per page (1-100); default 10.
 *   data-history   "off" keeps the host page's URL untouched; by default the search is written
 *                  to the URL (q, person, region, author, outlet, published_from, published_to,
 *                  sort, cursor) so it can be shared, bookmarked and restored with Back/Forward.
 *   data-query     initial query string such as "q=ferry&region=AU-NSW" (used when the page URL
 *                  carries no search of its own).
 *
 * Or embed the hosted page in a frame; the query parameters select the search:
 *
 *   <iframe src="https://articles.example.org/?q=drought&region=KE" title="Article search"
 *           width="100%" height="800"></iframe>
 *
 * The API must allow the host page's origin (CORS_ORIGINS) when the element form is used.
 */
(function () {
  "use strict";

  var FACETS = [
    { key: "people", param: "person", label: "People", multi: true },
    { key: "regions", param: "region", label: "Regions", multi: true },
    { key: "outlets", param: "outlet", label: "Outlets", multi: false },
    { key: "authors", param: "author", label: "Authors", multi: false },
  ];
  var PARAM_LABELS = { person: "Person", region: "Region", outlet: "Outlet", author: "Author" };
  var LIST_PARAMS = ["person", "region"];
  var SINGLE_PARAMS = [
    "q", "author", "outlet", "published_from", "published_to", "sort", "cursor", "entity",
  ];
  // The filters GET /trends shares with the search (dates are the trend's window, not filters).
  var TREND_PARAMS = ["q", "person", "region", "author", "outlet"];
  var TREND_KINDS = [["people", "People"], ["regions", "Regions"]];
  var TREND_WINDOW = "7d";
  var SVG = "http://www.w3.org/2000/svg";
  var OWN_PARAMS = LIST_PARAMS.concat(SINGLE_PARAMS);
  var SORTS = [
    ["", "Best match / newest"],
    ["-published_at", "Newest first"],
    ["published_at", "Oldest first"],
  ];
  var SCRIPT = document.currentScript;
  // Region codes worth showing: ISO 3166 ("GE", "US-GA"), not internal ids such as "geonames:…".
  var ISO_CODE = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
  var instances = 0;

  /* ---------- small DOM helpers ---------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  /* Highlights are HTML with <mark> around matches: keep <mark>, turn everything else into text.
     DOMParser builds an inert document (no scripts run, nothing loads), so parsing is safe. */
  function highlighted(html) {
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    var out = document.createDocumentFragment();
    (function copy(from, to) {
      from.childNodes.forEach(function (node) {
        if (node.nodeType === 3) {
          to.appendChild(document.createTextNode(node.nodeValue));
        } else if (node.nodeType === 1 && node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          copy(node, mark);
          to.appendChild(mark);
        } else if (node.nodeType === 1) {
          to.appendChild(document.createTextNode(node.textContent));
        }
      });
    })(parsed.body, out);
    return out;
  }

  function formatDate(value) {
    if (!value) return "";
    var day = value.slice(0, 10);
    var date = new Date(day + "T00:00:00Z");
    if (isNaN(date.getTime())) return day;
    return date.toLocaleDateString(undefined, {
      year: "numeric",
      month: "long",
      day: "numeric",
      timeZone: "UTC",
    });
  }

  /* "Georgia (US-GA)": same-named places stay apart in chips. */
  function regionLabel(name, code) {
    return ISO_CODE.test(code) ? name + " (" + code + ")" : name;
  }

  function assetBase() {
    if (SCRIPT && SCRIPT.src) return SCRIPT.src.replace(/[^/]*(\?.*)?$/, "");
    return "/static/";
  }

  function ensureStylesheet() {
    if (document.querySelector("link[data-article-search-css]")) return;
    var link = el("link", {
      rel: "stylesheet",
      href: assetBase() + "search.css",
      "data-article-search-css": true,
    });
    document.head.appendChild(link);
  }

  /* ---------- query state <-> URL ---------- */

  function emptyState() {
    return {
      q: "", person: [], region: [], author: "", outlet: "",
      published_from: "", published_to: "", sort: "", cursor: "", entity: "",
    };
  }

  function stateFrom(params) {
    var state = emptyState();
    LIST_PARAMS.forEach(function (name) {
      state[name] = params.getAll(name).filter(Boolean);
    });
    SINGLE_PARAMS.forEach(function (name) {
      state[name] = params.get(name) || "";
    });
    return state;
  }

  function writeParams(state, params) {
    OWN_PARAMS.forEach(function (name) { params.delete(name); });
    LIST_PARAMS.forEach(function (name) {
      state[name].forEach(function (value) { params.append(name, value); });
    });
    SINGLE_PARAMS.forEach(function (name) {
      if (state[name]) params.set(name, state[name]);
    });
    return params;
  }

  function hasSearch(params) {
    return OWN_PARAMS.some(function (name) { return params.has(name); });
  }

  /* ---------- one search widget ---------- */

  function SearchWidget(root) {
    instances += 1;
    this.id = "as" + instances;
    this.root = root;
    this.api = (root.getAttribute("data-api") || "").replace(/\/+$/, "");
    this.perPage = Math.min(100, Math.max(1, parseInt(root.getAttribute("data-per-page"), 10) || 10));
    this.useHistory = root.getAttribute("data-history") !== "off";
    this.labels = {}; // region code -> display name, learned from facets and results
    this.previous = []; // cursors of the pages before this one ("" is the first page)
    this.request = 0;
    this.build();
    var params = new URLSearchParams(window.location.search);
    if (!(this.useHistory && hasSearch(params))) {
      params = new URLSearchParams(root.getAttribute("data-query") || "");
    }
    var saved = this.useHistory && window.history.state && window.history.state.articleSearch;
    this.previous = saved && saved.previous ? saved.previous.slice() : [];
    this.state = stateFrom(params);
    this.fillForm();
    this.search("replace");
    var widget = this;
    if (this.useHistory) {
      window.addEventListener("popstate", function (event) {
        var back = event.state && event.state.articleSearch;
        widget.previous = back && back.previous ? back.previous.slice() : [];
        widget.state = stateFrom(new URLSearchParams(window.location.search));
        widget.fillForm();
        widget.search("none");
      });
    }
  }

  SearchWidget.prototype.build = function () {
    var id = this.id;
    var widget = this;
    this.input = el("input", {
      id: id + "-q", type: "search", name: "q", autocomplete: "off",
      placeholder: "e.g. drought, \"security guarantees\"",
    });
    this.from = el("input", { id: id + "-from", type: "date", name: "published_from" });
    this.to = el("input", { id: id + "-to", type: "date", name: "published_to" });
    this.sort = el("select", { id: id + "-sort", name: "sort" }, SORTS.map(function (pair) {
      return el("option", { value: pair[0], text: pair[1] });
    }));
    var form = el("form", {
      class: "as-form", role: "search", "aria-label": "Articles",
      onsubmit: function (event) {
        event.preventDefault();
        widget.readForm();
        widget.state.entity = "";
        widget.state.cursor = "";
        widget.previous = [];
        widget.search("push");
      },
    }, [
      el("div", { class: "as-field as-field-q" }, [
        el("label", { for: id + "-q", text: "Search articles" }), this.input,
      ]),
      el("div", { class: "as-field" }, [
        el("label", { for: id + "-from", text: "Published from" }), this.from,
      ]),
      el("div", { class: "as-field" }, [
        el("label", { for: id + "-to", text: "Published to" }), this.to,
      ]),
      el("div", { class: "as-field" }, [el("label", { for: id + "-sort", text: "Sort" }), this.sort]),
      el("button", { type: "submit", class: "as-primary", text: "Search" }),
    ]);
    this.chips = el("ul", { class: "as-chips", "aria-label": "Active filters" });
    this.facets = el("div", { class: "as-facets" });
    this.status = el("p", {
      id: id + "-status", class: "as-status", role: "status", "aria-live": "polite",
      "aria-atomic": "true", tabindex: "-1",
    });
    this.error = el("div", { class: "as-error", role: "alert", hidden: true });
    this.results = el("ol", { class: "as-results", "aria-labelledby": id + "-status" });
    this.pager = el("nav", { class: "as-pager", "aria-label": "Result pages" });
    this.timeline = el("figure", { class: "as-timeline", hidden: true });
    this.trending = el("div", { class: "as-trending-lists" });
    this.searchView = el("div", { class: "as-search-view" }, [
      this.status, this.error, this.timeline, this.results, this.pager,
    ]);
    this.entityView = el("div", { class: "as-entity-view", hidden: true });
    this.root.classList.add("as-root");
    this.root.textContent = "";
    this.root.appendChild(el("div", { class: "as-layout" }, [
      el("div", { class: "as-top" }, [form, this.chips]),
      // A named section (a "region" landmark), not an aside: complementary landmarks belong at
      // the top level, and the widget usually sits inside the host page's <main>.
      // On a phone the trends come right after the form, the filters after the results.
      el("section", { class: "as-trending", "aria-labelledby": id + "-trending" }, [
        el("h2", { id: id + "-trending", class: "as-side-title", text: "Trending now" }),
        el("p", { class: "as-hint", text: "Named more this week than the week before" }),
        this.trending,
      ]),
      el("section", { class: "as-side", "aria-label": "Filters" }, [
        el("h2", { class: "as-side-title", text: "Filter" }), this.facets,
      ]),
      el("section", { class: "as-main", "aria-labelledby": this.id + "-results" }, [
        el("h2", { id: this.id + "-results", class: "as-visually-hidden", text: "Results" }),
        this.searchView, this.entityView,
      ]),
    ]));
  };

  SearchWidget.prototype.fillForm = function () {
    this.input.value = this.state.q;
    this.from.value = this.state.published_from;
    this.to.value = this.state.published_to;
    this.sort.value = this.state.sort;
  };

  SearchWidget.prototype.readForm = function () {
    this.state.q = this.input.value.trim();
    this.state.published_from = this.from.value;
    this.state.published_to = this.to.value;
    this.state.sort = this.sort.value;
  };

  SearchWidget.prototype.apiParams = function () {
    var params = writeParams(this.state, new URLSearchParams());
    params.set("per_page", String(this.perPage));
    params.set("highlight", "true");
    params.delete("entity");
    params.set("facets", "people,regions,outlets,authors,published_at");
    params.set("facet_size", "10");
    // The timeline: the finest interval under about 100 bars, the empty ones included.
    params.set("interval", "auto");
    params.set("zero_fill", "true");
    // Copies of one story (syndicated by other outlets) are one result.
    params.set("collapse", "story");
    return params;
  };

  SearchWidget.prototype.remember = function (how) {
    if (!this.useHistory || how === "none") return;
    var params = writeParams(this.state, new URLSearchParams(window.location.search));
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    var entry = Object.assign({}, window.history.state || {}, {
      articleSearch: { previous: this.previous.slice() },
    });
    if (how === "push") window.history.pushState(entry, "", url);
    else window.history.replaceState(entry, "", url);
  };

  /* how: "push" adds a history entry, "replace" rewrites the current one, "none" leaves it. */
  SearchWidget.prototype.search = function (how) {
    var widget = this;
    var ticket = ++this.request;
    this.remember(how);
    this.renderChips();
    this.loadTrends(ticket);
    if (this.state.entity) {
      this.showEntity(ticket);
      return;
    }
    this.entityView.hidden = true;
    this.searchView.hidden = false;
    this.root.setAttribute("aria-busy", "true");
    this.status.textContent = "Searching…";
    fetch(this.api + "/articles?" + this.apiParams().toString(), {
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(
          function (body) { return { ok: response.ok, status: response.status, body: body }; },
          function () { return { ok: false, status: response.status, body: {} }; }
        );
      })
      .then(function (answer) {
        if (ticket !== widget.request) return;
        if (!answer.ok) {
          var detail = answer.body.detail || answer.body.title || "The search failed.";
          widget.showError(detail + " (HTTP " + answer.status + ")");
          return;
        }
        widget.render(answer.body);
      })
      .catch(function () {
        if (ticket === widget.request) widget.showError("The search service could not be reached.");
      })
      .then(function () {
        if (ticket === widget.request) widget.root.removeAttribute("aria-busy");
      });
  };

  SearchWidget.prototype.showError = function (message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.status.textContent = "No results.";
    this.results.textContent = "";
    this.pager.textContent = "";
    this.timeline.hidden = true;
  };

  SearchWidget.prototype.render = function (body) {
    this.error.hidden = true;
    this.renderStatus(body.total || { value: 0, relation: "eq" });
    this.renderResults(body.items || []);
    this.renderTimeline(body.facets && body.facets.published_at, body.interval);
    this.renderFacets(body.facets || {});
    this.renderChips();
    this.renderPager(body.next_cursor || "");
  };

  SearchWidget.prototype.renderStatus = function (total) {
    var count = total.value.toLocaleString();
    var words = total.value === 1 ? "article" : "articles";
    var page = this.previous.length + 1;
    this.status.textContent =
      (total.relation === "gte" ? "More than " + count : count) + " " + words + " found" +
      (page > 1 ? ", page " + page : "") + ".";
  };

  SearchWidget.prototype.renderResults = function (items) {
    var widget = this;
    this.results.textContent = "";
    items.forEach(function (item) {
      (item.regions || []).forEach(function (region) {
        if (region.code) widget.labels[region.code] = regionLabel(region.name, region.code);
      });
      var hl = item.highlights || {};
      var title = hl.title && hl.title.length ? highlighted(hl.title[0]) : (item.title || "Untitled");
      var href = item.url || widget.api + "/articles/" + encodeURIComponent(item.id);
      var meta = [];
      if (item.outlet && item.outlet.name) {
        meta.push(el("span", { class: "as-outlet", text: item.outlet.name }));
      }
      if (item.authors && item.authors.length) {
        meta.push(el("span", { class: "as-authors" }, ["By "].concat(authorCredits(item.authors))));
      }
      if (item.published_at) {
        meta.push(el("time", {
          datetime: item.published_at.slice(0, 10), text: formatDate(item.published_at),
        }));
      }
      var story = item.story || {};
      if (story.articles > 1) {
        var others = Math.max(story.outlets - 1, 0);
        meta.push(el("a", {
          class: "as-story",
          href: widget.api + "/stories/" + encodeURIComponent(story.id),
          text: others
            ? "also in " + others + (others === 1 ? " outlet" : " outlets")
            : story.articles + " copies",
        }));
      }
      var snippet = null;
      if (hl.text && hl.text.length) {
        snippet = el("p", { class: "as-snippet" });
        hl.text.slice(0, 3).forEach(function (part, index) {
          if (index) snippet.appendChild(document.createTextNode(" … "));
          snippet.appendChild(highlighted(part));
        });
      }
      var related = el("div", { class: "as-related", id: widget.id + "-related-" + item.id, hidden: true });
      var opener = el("button", {
        type: "button", class: "as-open", "aria-expanded": "false",
        "aria-controls": related.id, text: "Related articles",
        onclick: function () { widget.toggleRelated(item.id, opener, related); },
      });
      widget.results.appendChild(el("li", {}, [
        el("article", { class: "as-result" }, [
          el("h3", { class: "as-title" }, [el("a", { href: href }, [title])]),
          el("p", { class: "as-meta" }, meta),
          snippet,
          widget.nameLine("People", "people", (item.people || []).slice(0, 6)),
          widget.nameLine("Places", "regions", (item.regions || []).filter(function (r) {
            return r.focus;
          }).slice(0, 4)),
          el("p", { class: "as-actions" }, [opener]),
          related,
        ]),
      ]));
    });
  };

  /* ---------- names that open a person's or a region's page ---------- */

  function entityKey(kind, entity) {
    return kind + ":" + (kind === "regions" && entity.code ? entity.code : entity.name || entity.value);
  }

  SearchWidget.prototype.nameButton = function (kind, entity, label) {
    var widget = this;
    var name = entity.name || entity.value;
    return el("button", {
      type: "button", class: "as-name", "data-entity": entityKey(kind, entity),
      "aria-label": "Open the page of " + name,
      onclick: function () { widget.openEntity(entityKey(kind, entity)); },
    }, [label || name]);
  };

  SearchWidget.prototype.nameLine = function (label, kind, entities) {
    var widget = this;
    if (!entities.length) return null;
    var parts = [label + ": "];
    entities.forEach(function (entity, index) {
      if (index) parts.push(", ");
      parts.push(widget.nameButton(kind, entity));
    });
    return el("p", { class: "as-people" }, parts);
  };

  SearchWidget.prototype.openEntity = function (key) {
    this.state.entity = key;
    this.search("push");
  };

  SearchWidget.prototype.closeEntity = function () {
    this.state.entity = "";
    this.search("push");
    this.status.focus();
  };

  /* ---------- JSON from the API ---------- */

  SearchWidget.prototype.getJSON = function (path) {
    return fetch(this.api + path, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error((body.detail || body.title || "The request failed.") + " (HTTP " + response.status + ")");
        }
        return body;
      });
    });
  };

  /* ---------- the timeline: one SVG bar per bucket; a bar narrows the dates ---------- */

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function isoDay(date) {
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" + pad(date.getUTCDate());
  }

  /* The first and last day a bucket covers, as the date fields take them. */
  function bucketDays(value, interval) {
    var first = new Date(value.slice(0, 10) + "T00:00:00Z");
    var last = new Date(first.getTime());
    if (interval === "week") last.setUTCDate(last.getUTCDate() + 6);
    if (interval === "month") last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
    return [isoDay(first), isoDay(last)];
  }

  function bucketLabel(value, interval) {
    var day = formatDate(value);
    if (interval === "hour") return day + " " + value.slice(11, 16) + " UTC";
    if (interval === "week") return "week of " + day;
    if (interval === "month") {
      return new Date(value.slice(0, 10) + "T00:00:00Z").toLocaleDateString(undefined, {
        year: "numeric", month: "long", timeZone: "UTC",
      });
    }
    return day;
  }

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  /* A bar chart of `buckets` ({value, count}); `pick(bucket)` runs when a bar is chosen (click,
     Enter or Space), or nothing when null. */
  function drawTimeline(buckets, interval, title, pick) {
    var width = 600;
    var height = 120;
    var max = buckets.reduce(function (top, bucket) { return Math.max(top, bucket.count); }, 0) || 1;
    var step = width / Math.max(buckets.length, 1);
    var gap = step > 4 ? 1 : 0;
    var chart = svg("svg", {
      class: "as-chart", viewBox: "0 0 " + width + " " + height, preserveAspectRatio: "none",
      role: pick ? "group" : "img", "aria-label": title,
    });
    buckets.forEach(function (bucket, index) {
      var barHeight = bucket.count ? Math.max(2, (bucket.count / max) * (height - 4)) : 0;
      var label = bucketLabel(bucket.value, interval) + ": " + bucket.count +
        (bucket.count === 1 ? " article" : " articles");
      var bar = svg("g", { class: "as-bar", "data-value": bucket.value, "data-count": String(bucket.count) }, [
        svg("title", {}, [document.createTextNode(label)]),
        // The whole column takes the click, so that short bars are easy to hit.
        svg("rect", { class: "as-bar-hit", x: index * step, y: 0, width: step, height: height }),
        svg("rect", { class: "as-bar-fill", x: index * step + gap / 2, y: height - barHeight, width: Math.max(step - gap, 0.5), height: barHeight }),
      ]);
      if (pick) {
        bar.setAttribute("role", "button");
        bar.setAttribute("tabindex", "0");
        bar.setAttribute("aria-label", label + ". Show only these dates");
        bar.addEventListener("click", function () { pick(bucket); });
        bar.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            pick(bucket);
          }
        });
      } else {
        bar.setAttribute("aria-hidden", "true");
      }
      chart.appendChild(bar);
    });
    var first = buckets.length ? bucketLabel(buckets[0].value, interval) : "";
    var last = buckets.length ? bucketLabel(buckets[buckets.length - 1].value, interval) : "";
    return el("div", { class: "as-chart-wrap" }, [
      el("p", { class: "as-chart-scale", text: "Up to " + max + (max === 1 ? " article" : " articles") + " per " + interval }),
      chart,
      el("p", { class: "as-chart-axis" }, [el("span", { text: first }), el("span", { text: last })]),
    ]);
  }

  SearchWidget.prototype.renderTimeline = function (buckets, interval) {
    var widget = this;
    this.timeline.textContent = "";
    this.timeline.hidden = !(buckets && buckets.length);
    if (this.timeline.hidden) return;
    this.timeline.appendChild(el("figcaption", { class: "as-chart-title", text: "Articles over time, by " + interval }));
    this.timeline.appendChild(drawTimeline(buckets, interval, "Articles over time, one bar per " + interval, function (bucket) {
      var days = bucketDays(bucket.value, interval);
      widget.state.published_from = days[0];
      widget.state.published_to = days[1];
      widget.state.cursor = "";
      widget.previous = [];
      widget.fillForm();
      widget.search("push");
      widget.status.focus();
    }));
  };

  /* ---------- trending now ---------- */

  SearchWidget.prototype.loadTrends = function (ticket) {
    var widget = this;
    var params = new URLSearchParams();
    TREND_PARAMS.forEach(function (name) {
      var value = widget.state[name];
      (Array.isArray(value) ? value : value ? [value] : []).forEach(function (one) { params.append(name, one); });
    });
    params.set("window", TREND_WINDOW);
    params.set("size", "5");
    Promise.all(TREND_KINDS.map(function (kind) {
      var query = new URLSearchParams(params);
      query.set("kind", kind[0]);
      return widget.getJSON("/trends?" + query.toString());
    })).then(function (answers) {
      if (ticket === widget.request) widget.renderTrends(answers);
    }).catch(function (error) {
      if (ticket !== widget.request) return;
      widget.trending.textContent = "";
      widget.trending.appendChild(el("p", { class: "as-empty", text: error.message }));
    });
  };

  SearchWidget.prototype.renderTrends = function (answers) {
    var widget = this;
    this.trending.textContent = "";
    var any = false;
    answers.forEach(function (answer, index) {
      if (!answer.items.length) return;
      any = true;
      var headingId = widget.id + "-trending-" + answer.kind;
      widget.trending.appendChild(el("h3", { id: headingId, class: "as-trending-kind", text: TREND_KINDS[index][1] }));
      widget.trending.appendChild(el("ul", { class: "as-facet-list", "aria-labelledby": headingId },
        answer.items.map(function (item) {
          var entity = { name: item.value, code: item.code };
          var button = widget.nameButton(answer.kind, entity, el("span", { class: "as-facet-name", text: item.value }));
          button.classList.add("as-trend");
          button.setAttribute("aria-label", item.value + ": " + item.count + " articles this week, " + item.before + " the week before. Open the page");
          button.appendChild(el("span", { class: "as-count", text: item.before + " → " + item.count }));
          return el("li", {}, [button]);
        })));
    });
    if (!any) this.trending.appendChild(el("p", { class: "as-empty", text: "Nothing stands out this week." }));
  };

  /* ---------- a person's or a region's page ---------- */

  SearchWidget.prototype.showEntity = function (ticket) {
    var widget = this;
    var at = this.state.entity.indexOf(":");
    var kind = this.state.entity.slice(0, at) === "regions" ? "regions" : "people";
    var name = this.state.entity.slice(at + 1);
    var filter = kind === "regions" ? "region" : "person";
    this.searchView.hidden = true;
    this.entityView.hidden = false;
    this.entityView.textContent = "";
    this.entityView.appendChild(el("p", { class: "as-status", text: "Loading " + name + "…" }));
    var over = new URLSearchParams({ per_page: "0", facets: "published_at", interval: "auto", zero_fill: "true" });
    over.set(filter, name);
    Promise.all([
      this.getJSON("/" + kind + "/" + encodeURIComponent(name)),
      this.getJSON("/articles?" + over.toString()),
    ]).then(function (answers) {
      if (ticket === widget.request) widget.renderEntity(kind, filter, name, answers[0], answers[1]);
    }).catch(function (error) {
      if (ticket !== widget.request) return;
      widget.entityView.textContent = "";
      widget.entityView.appendChild(el("div", { class: "as-error", role: "alert", text: error.message }));
      widget.entityView.appendChild(widget.backButton());
    }).then(function () {
      if (ticket === widget.request) widget.root.removeAttribute("aria-busy");
    });
  };

  SearchWidget.prototype.backButton = function () {
    var widget = this;
    return el("button", { type: "button", class: "as-back", text: "← Back to the search", onclick: function () { widget.closeEntity(); } });
  };

  SearchWidget.prototype.renderEntity = function (kind, filter, key, detail, timeline) {
    var widget = this;
    var headingId = this.id + "-entity";
    var spellings = (detail.spellings || []).map(function (s) { return s.name; });
    var names = spellings.length ? spellings : (detail.aliases || []);
    if (!names.length) names = [detail.name];
    var section = function (title, children) {
      return el("section", { class: "as-entity-part" }, [el("h3", { text: title })].concat(children));
    };
    var co = detail.co_mentioned || {};
    var coList = function (other) {
      var entries = co[other] || [];
      if (!entries.length) return el("p", { class: "as-empty", text: "None" });
      return el("ul", { class: "as-co-list" }, entries.map(function (entry) {
        return el("li", {}, [widget.nameButton(other, entry), el("span", { class: "as-count", text: " " + entry.articles })]);
      }));
    };
    var latest = el("ol", { class: "as-results" }, (detail.latest || []).map(function (item) {
      return el("li", {}, [el("article", { class: "as-result" }, [
        el("h4", { class: "as-title" }, [el("a", { href: item.url || widget.api + "/articles/" + item.id, text: item.title || "Untitled" })]),
        el("p", { class: "as-meta" }, [
          item.outlet && item.outlet.name ? el("span", { class: "as-outlet", text: item.outlet.name }) : null,
          item.published_at ? el("time", { datetime: item.published_at.slice(0, 10), text: formatDate(item.published_at) }) : null,
        ]),
      ])]);
    }));
    var buckets = (timeline.facets && timeline.facets.published_at) || [];
    var heading = el("h2", { id: headingId, class: "as-entity-name", tabindex: "-1", text: detail.name });
    this.entityView.textContent = "";
    this.entityView.appendChild(el("article", { class: "as-entity", "aria-labelledby": headingId }, [
      this.backButton(),
      heading,
      el("p", { class: "as-entity-facts", text:
        (kind === "regions" && detail.code ? detail.code + " · " + detail.type + " · " : "") +
        detail.articles + (detail.articles === 1 ? " article" : " articles") }),
      section("Written as", [el("ul", { class: "as-spellings" }, names.map(function (n) { return el("li", { text: n }); }))]),
      section("Mentions over time", buckets.length ? [drawTimeline(buckets, timeline.interval, "Articles naming " + detail.name + ", one bar per " + timeline.interval, null)] : [el("p", { class: "as-empty", text: "No dated articles" })]),
      section("Appears with: people", [coList("people")]),
      section("Appears with: regions", [coList("regions")]),
      section("Latest articles", [latest, el("button", {
        type: "button", class: "as-primary", text: "Search all its articles",
        onclick: function () {
          widget.state = emptyState();
          widget.state[filter] = filter === "person" || filter === "region" ? [key] : key;
          widget.fillForm();
          widget.previous = [];
          widget.search("push");
        },
      })]),
    ]));
    heading.focus();
  };

  /* ---------- related articles under an opened result ---------- */

  SearchWidget.prototype.toggleRelated = function (id, opener, box) {
    var widget = this;
    var open = opener.getAttribute("aria-expanded") !== "true";
    opener.setAttribute("aria-expanded", open ? "true" : "false");
    box.hidden = !open;
    if (!open || box.getAttribute("data-loaded")) return;
    box.textContent = "Loading related articles…";
    this.getJSON("/articles/" + encodeURIComponent(id) + "/related?size=5").then(function (answer) {
      box.setAttribute("data-loaded", "true");
      box.textContent = "";
      box.appendChild(el("h4", { class: "as-related-title", text: "Related articles" }));
      if (!answer.items.length) box.appendChild(el("p", { class: "as-empty", text: "No other story is alike." }));
      box.appendChild(el("ul", { class: "as-related-list" }, answer.items.map(function (item) {
        var shared = item.shared.people.map(function (name) { return { kind: "people", entity: { name: name } }; })
          .concat(item.shared.regions.map(function (region) { return { kind: "regions", entity: region }; }));
        var why = shared.length ? ["Shares: "] : [];
        shared.forEach(function (one, index) {
          if (index) why.push(", ");
          why.push(widget.nameButton(one.kind, one.entity));
        });
        return el("li", { class: "as-related-item", "data-id": item.id }, [
          el("a", { href: item.url || widget.api + "/articles/" + item.id, text: item.title || "Untitled" }),
          item.outlet && item.outlet.name ? el("span", { class: "as-outlet", text: " " + item.outlet.name }) : null,
          why.length ? el("span", { class: "as-why" }, why) : null,
        ]);
      })));
      if (answer.copies.length) {
        box.appendChild(el("p", { class: "as-copies", text: "Same story also in: " + answer.copies.map(function (copy) {
          return (copy.outlet && copy.outlet.name) || copy.title;
        }).join(", ") }));
      }
    }).catch(function (error) {
      box.textContent = error.message;
    });
  };

  /* Credits in byline order: a person as a name, an organisation (a wire agency such as dpa, or
     the outlet's desk) as a marked badge, so that wire copy stands out at a glance. */
  function authorCredits(authors) {
    var parts = [];
    authors.forEach(function (author, index) {
      if (index) parts.push(", ");
      parts.push(author.type === "organization" ? agencyBadge(author.name) : author.name);
    });
    return parts;
  }

  function agencyBadge(name) {
    return el("span", { class: "as-agency", title: "Agency or desk credit" }, [
      name, el("span", { class: "as-visually-hidden", text: " (agency)" }),
    ]);
  }

  SearchWidget.prototype.renderFacets = function (facets) {
    var widget = this;
    this.facets.textContent = "";
    FACETS.forEach(function (facet) {
      var buckets = facets[facet.key] || [];
      var headingId = widget.id + "-facet-" + facet.key;
      var list = el("ul", { class: "as-facet-list", "aria-labelledby": headingId });
      buckets.forEach(function (bucket) {
        var value = facet.key === "regions" && bucket.code ? bucket.code : bucket.value;
        var code = facet.key === "regions" && ISO_CODE.test(bucket.code || "") ? bucket.code : "";
        if (facet.key === "regions" && bucket.code) {
          widget.labels[bucket.code] = regionLabel(bucket.value, bucket.code);
        }
        var active = widget.isActive(facet.param, value);
        list.appendChild(el("li", {}, [
          el("button", {
            type: "button", class: "as-facet", "aria-pressed": active ? "true" : "false",
            "aria-label": bucket.value + (code ? " " + code : "") + ", " + bucket.count +
              (bucket.count === 1 ? " article" : " articles"),
            "data-param": facet.param, "data-value": value,
            onclick: function () { widget.toggle(facet.param, value); },
          }, [
            el("span", { class: "as-facet-name" }, [
              facet.key === "authors" && bucket.type === "organization"
                ? agencyBadge(bucket.value) : bucket.value,
              code ? el("span", { class: "as-code", text: " " + code }) : null,
            ]),
            el("span", { class: "as-count", text: String(bucket.count) }),
          ]),
        ]));
      });
      widget.facets.appendChild(el("section", { class: "as-facet-group" }, [
        el("h3", { id: headingId, text: facet.label }),
        buckets.length ? list : el("p", { class: "as-empty", text: "None" }),
      ]));
    });
  };

  SearchWidget.prototype.isActive = function (param, value) {
    var current = this.state[param];
    return Array.isArray(current) ? current.indexOf(value) >= 0 : current === value;
  };

  SearchWidget.prototype.toggle = function (param, value) {
    if (LIST_PARAMS.indexOf(param) >= 0) {
      var values = this.state[param];
      var at = values.indexOf(value);
      if (at >= 0) values.splice(at, 1);
      else values.push(value);
    } else {
      this.state[param] = this.state[param] === value ? "" : value;
    }
    this.state.cursor = "";
    this.state.entity = "";
    this.previous = [];
    this.search("push");
  };

  SearchWidget.prototype.renderChips = function () {
    var widget = this;
    var chips = [];
    ["person", "region", "outlet", "author"].forEach(function (param) {
      var values = widget.state[param];
      (Array.isArray(values) ? values : values ? [values] : []).forEach(function (value) {
        var shown = param === "region" && widget.labels[value] ? widget.labels[value] : value;
        chips.push([param, value, PARAM_LABELS[param] + ": " + shown]);
      });
    });
    if (this.state.published_from || this.state.published_to) {
      chips.push(["dates", "", "Published " + (this.state.published_from || "…") + " – " +
        (this.state.published_to || "…")]);
    }
    this.chips.textContent = "";
    this.chips.hidden = chips.length === 0;
    chips.forEach(function (chip) {
      widget.chips.appendChild(el("li", {}, [
        el("button", {
          type: "button", class: "as-chip", "aria-label": "Remove filter " + chip[2],
          "data-param": chip[0], "data-value": chip[1],
          onclick: function () { widget.removeChip(chip[0], chip[1]); },
        }, [el("span", { text: chip[2] }), el("span", { class: "as-x", "aria-hidden": "true", text: "×" })]),
      ]));
    });
  };

  SearchWidget.prototype.removeChip = function (param, value) {
    if (param === "dates") {
      this.state.published_from = "";
      this.state.published_to = "";
      this.fillForm();
      this.state.cursor = "";
      this.previous = [];
      this.search("push");
    } else {
      this.toggle(param, value);
    }
    var first = this.chips.querySelector("button") || this.input;
    first.focus();
  };

  SearchWidget.prototype.renderPager = function (nextCursor) {
    var widget = this;
    this.pager.textContent = "";
    var back = el("button", {
      type: "button", class: "as-prev", text: "← Previous page",
      // A shared URL may start mid-way (it has a cursor but no history): back goes to page one.
      disabled: this.previous.length === 0 && !this.state.cursor,
      onclick: function () {
        widget.state.cursor = widget.previous.pop() || "";
        widget.search("push");
        widget.status.focus();
      },
    });
    var next = el("button", {
      type: "button", class: "as-next", text: "Next page →",
      disabled: !nextCursor,
      onclick: function () {
        widget.previous.push(widget.state.cursor);
        widget.state.cursor = nextCursor;
        widget.search("push");
        widget.status.focus();
      },
    });
    this.pager.appendChild(back);
    this.pager.appendChild(next);
  };

  /* ---------- start ---------- */

  function start() {
    ensureStylesheet();
    var roots = document.querySelectorAll("#article-search, [data-article-search]");
    Array.prototype.forEach.call(roots, function (root) {
      if (!root.articleSearch) root.articleSearch = new SearchWidget(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
