/*
 * Article search: a small, dependency-free search page over the public API (GET /articles).
 *
 * Embed it in any page with an element and this script; the script adds its own stylesheet:
 *
 *   <div id="article-search" data-api="https://articles.example.org"></div>
 *   <script src="https://articles.example.org/static/search.js" defer></script>
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
  var SINGLE_PARAMS = ["q", "author", "outlet", "published_from", "published_to", "sort", "cursor"];
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
      published_from: "", published_to: "", sort: "", cursor: "",
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
    this.root.classList.add("as-root");
    this.root.textContent = "";
    this.root.appendChild(el("div", { class: "as-layout" }, [
      el("div", { class: "as-top" }, [form, this.chips]),
      // A named section (a "region" landmark), not an aside: complementary landmarks belong at
      // the top level, and the widget usually sits inside the host page's <main>.
      el("section", { class: "as-side", "aria-label": "Filters" }, [
        el("h2", { class: "as-side-title", text: "Filter" }), this.facets,
      ]),
      el("section", { class: "as-main", "aria-labelledby": this.id + "-results" }, [
        el("h2", { id: this.id + "-results", class: "as-visually-hidden", text: "Results" }),
        this.status, this.error, this.results, this.pager,
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
    params.set("facets", "people,regions,outlets,authors");
    params.set("facet_size", "10");
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
  };

  SearchWidget.prototype.render = function (body) {
    this.error.hidden = true;
    this.renderStatus(body.total || { value: 0, relation: "eq" });
    this.renderResults(body.items || []);
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
      var people = (item.people || []).slice(0, 6).map(function (person) { return person.name; });
      widget.results.appendChild(el("li", {}, [
        el("article", { class: "as-result" }, [
          el("h3", { class: "as-title" }, [el("a", { href: href }, [title])]),
          el("p", { class: "as-meta" }, meta),
          snippet,
          people.length
            ? el("p", { class: "as-people", text: "People: " + people.join(", ") })
            : null,
        ]),
      ]));
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
