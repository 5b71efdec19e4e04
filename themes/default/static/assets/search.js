/* 站内搜索: reads the index pingyi writes under /search/ (docs/search.md) and runs the query
 * in the browser, so search works on an intranet with no server code.
 * Chinese is matched by character bigrams, every substring of two or more characters is
 * found; candidates are then checked against the document's text, so characters that are
 * only near each other never match. The core (PingyiSearch) also runs under Node for tests. */
(function (root) {
  "use strict";

  var UNI = 0x40000000, BI = 0x80000000, WORD = 0xC0000000;

  /* Full-width ASCII as ASCII, ASCII in lower case: one UTF-16 unit in, one out, so positions
   * in folded text are positions in the original. */
  function fold(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
      if (c >= 65 && c <= 90) c += 32;
      out += String.fromCharCode(c);
    }
    return out;
  }
  function han(c) { return c >= 0x3400 && c <= 0x9FFF ? c - 0x3400 : -1; }
  function alnum(c) { return (c >= 48 && c <= 57) || (c >= 97 && c <= 122); }
  function wordCode(w) {
    var h = 0x811C9DC5;
    for (var i = 0; i < w.length; i++) { h ^= w.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return ((h & 0x3FFFFFFF) | WORD) >>> 0;
  }

  /* The codes a term needs: a lone Han character as itself, longer runs as bigrams, words whole
   * (the same as `search::read::query_codes` in Rust). */
  function codes(term) {
    var t = fold(term), out = [], run = [], word = "";
    function endRun() {
      if (run.length === 1) out.push((UNI | run[0]) >>> 0);
      for (var i = 1; i < run.length; i++) out.push((BI | (run[i - 1] << 15) | run[i]) >>> 0);
      run = [];
    }
    function endWord() { if (word) { out.push(wordCode(word)); word = ""; } }
    for (var i = 0; i < t.length; i++) {
      var c = t.charCodeAt(i), h = han(c);
      if (h >= 0) { endWord(); run.push(h); }
      else { endRun(); if (alnum(c)) word += t[i]; else endWord(); }
    }
    endRun(); endWord();
    return out.filter(function (c, i) { return out.indexOf(c) === i; });
  }

  /* The pieces of a term a document must contain as written: the term split where it has
   * neither Chinese nor letters and digits (〔2024〕12号 → 2024, 12号). */
  function pieces(term) {
    var t = fold(term), out = [], cur = "";
    for (var i = 0; i < t.length; i++) {
      var c = t.charCodeAt(i);
      if (han(c) >= 0 || alnum(c)) cur += t[i];
      else if (cur) { out.push(cur); cur = ""; }
    }
    if (cur) out.push(cur);
    return out;
  }

  function shardOf(code, bits) { return bits === 0 ? 0 : Math.imul(code, 0x9E3779B1) >>> (32 - bits); }

  /* A shard: "PYS1", then per code: u32 LE code, varint count, varint (delta id << 1 | title). */
  function decode(buf) {
    var b = new Uint8Array(buf), map = new Map(), at = 4;
    if (b.length < 4 || b[0] !== 80 || b[1] !== 89 || b[2] !== 83 || b[3] !== 49) return map;
    function varint() {
      var x = 0, mul = 1, c;
      do { c = b[at++]; x += (c & 0x7F) * mul; mul *= 128; } while (c >= 0x80 && at < b.length);
      return x;
    }
    while (at + 4 <= b.length) {
      var code = (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
      at += 4;
      var n = varint(), ids = new Uint32Array(n), title = new Uint8Array(n), id = 0;
      for (var i = 0; i < n; i++) { var v = varint(); id += Math.floor(v / 2); ids[i] = id; title[i] = v % 2; }
      map.set(code, { ids: ids, title: title });
    }
    return map;
  }

  function find(list, id) {
    var lo = 0, hi = list.ids.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, v = list.ids[mid];
      if (v === id) return mid;
      if (v < id) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  /* An index reader over `load(path) → Promise<ArrayBuffer>`. */
  function Index(load) {
    this.load = load;
    this.shards = new Map();
    this.docs = new Map();
    this.meta = null;
    this.facets = null;
  }
  Index.prototype.ready = function () {
    var self = this;
    if (this.meta) return Promise.resolve(this.meta);
    return this.load("search/meta.json").then(function (buf) {
      self.meta = JSON.parse(new TextDecoder().decode(buf));
      return self.meta;
    });
  };
  Index.prototype.shard = function (n) {
    var self = this;
    if (!this.shards.has(n)) {
      this.shards.set(n, this.load("search/index/" + n + ".bin").then(decode));
    }
    return self.shards.get(n);
  };
  Index.prototype.facetLists = function () {
    if (!this.facets) this.facets = this.load("search/facets.bin").then(decode);
    return this.facets;
  };
  Index.prototype.doc = function (id) {
    if (!this.docs.has(id)) {
      this.docs.set(id, this.load("search/docs/" + id + ".json").then(function (buf) {
        return JSON.parse(new TextDecoder().decode(buf));
      }));
    }
    return this.docs.get(id);
  };

  /* Candidates for `q` (documents holding every code of every term), filtered by facet
   * codes, titles first, then newest first (the highest id). `exact` when no candidate
   * needs checking. */
  Index.prototype.query = function (q, facetCodes) {
    var self = this;
    var terms = q.split(/\s+/).filter(Boolean);
    var need = [], exact = true;
    terms.forEach(function (t) {
      /* A piece of one word, or of one or two characters, is its one code: the index alone
       * decides. Longer Chinese, or Chinese beside digits, is checked against the text. */
      pieces(t).forEach(function (p) {
        if (!(/^[0-9a-z]+$/.test(p) || /^[\u3400-\u9fff]{1,2}$/.test(p))) exact = false;
      });
      codes(t).forEach(function (c) { if (need.indexOf(c) < 0) need.push(c); });
    });
    return this.ready().then(function (meta) {
      if (!need.length) return { ids: [], exact: true, terms: terms };
      var shardNos = need.map(function (c) { return shardOf(c, meta.bits); });
      var jobs = shardNos.map(function (n) { return self.shard(n); });
      if (facetCodes.length) jobs.push(self.facetLists());
      return Promise.all(jobs).then(function (maps) {
        var lists = need.map(function (c, i) { return maps[i].get(c); });
        if (lists.some(function (l) { return !l; })) return { ids: [], exact: exact, terms: terms };
        if (facetCodes.length) {
          var fm = maps[maps.length - 1];
          for (var f = 0; f < facetCodes.length; f++) {
            var fl = fm.get(facetCodes[f]);
            if (!fl) return { ids: [], exact: exact, terms: terms };
            lists.push({ ids: fl.ids, title: new Uint8Array(fl.ids.length).fill(1) });
          }
        }
        lists.sort(function (a, b) { return a.ids.length - b.ids.length; });
        var inTitle = [], rest = [];
        var first = lists[0];
        for (var i = 0; i < first.ids.length; i++) {
          var id = first.ids[i], all = true, title = first.title[i] === 1;
          for (var k = 1; k < lists.length && all; k++) {
            var at = find(lists[k], id);
            if (at < 0) all = false; else if (lists[k].title[at] !== 1) title = false;
          }
          if (all) (title ? inTitle : rest).push(id);
        }
        /* Ids grow with time: newest first. */
        return { ids: inTitle.reverse().concat(rest.reverse()), exact: exact, terms: terms };
      });
    });
  };

  /* Everything of a document a query is checked against, each field apart. */
  function fields(doc) {
    var f = [doc.title, doc.doc_number || "", (doc.departments || []).join("\n"), doc.speaker || "", doc.text];
    (doc.items || []).forEach(function (it) {
      f.push([it.id, it.problem, it.measures, it.responsible].concat(it.notes || []).join("\n"));
    });
    return fold(f.join("\n"));
  }

  /* Whether `doc` holds every piece of every term. */
  function matches(doc, terms) {
    var hay = fields(doc);
    return terms.every(function (t) {
      return pieces(t).every(function (p) { return hay.indexOf(p) >= 0; });
    });
  }

  /* An archived year's bundle opens from disk, where fetch cannot read files: there each file
   * of the index comes as a script of its own (`search/index/3.bin.js`) that hands it over
   * here, a .bin file as base64, a .json file as JSON (docs/archive.md). */
  var handed = new Map();
  function put(path, data) { handed.set(path, data); }
  function bytes(data) {
    if (typeof data !== "string") return new TextEncoder().encode(JSON.stringify(data)).buffer;
    var s = atob(data), b = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return b.buffer;
  }
  function loadByScript(base) {
    return function (path) {
      return new Promise(function (ok, fail) {
        var s = document.createElement("script");
        s.src = base + "/" + path + ".js";
        /* A script runs before its load event: the file has been handed over by then. */
        s.onload = function () {
          s.remove();
          if (!handed.has(path)) { fail(new Error(path + ": 文件内容不符")); return; }
          var data = handed.get(path);
          handed.delete(path);
          ok(bytes(data));
        };
        s.onerror = function () { s.remove(); fail(new Error(path + ": 无法读取")); };
        document.head.appendChild(s);
      });
    };
  }

  var api = { fold: fold, codes: codes, pieces: pieces, shardOf: shardOf, decode: decode, Index: Index, matches: matches, put: put };
  root.PingyiSearch = api;
  if (typeof module === "object" && module.exports) module.exports = api;

  /* ---------------------------------------------------------------- the page */
  if (typeof document === "undefined") return;
  var form = document.querySelector("[data-search]");
  if (!form) return;
  var base = form.getAttribute("data-search") || "";
  var byScript = location.protocol === "file:" || form.getAttribute("data-search-load") === "script";
  var index = new Index(byScript ? loadByScript(base) : function (path) {
    return fetch(base + "/" + path).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.arrayBuffer();
    });
  });
  var input = form.querySelector("#search-q");
  var selects = { type: form.querySelector("#search-type"), year: form.querySelector("#search-year"), dept: form.querySelector("#search-dept") };
  var status = document.querySelector("[data-status]");
  var list = document.querySelector("[data-results]");
  var more = document.querySelector("[data-more]");
  var PAGE = 20;
  var state = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* `text` into `parent`, every piece of the query marked. */
  function marked(parent, text, ps) {
    var f = fold(text), at = 0;
    while (at < text.length) {
      var best = -1, len = 0;
      ps.forEach(function (p) {
        var i = f.indexOf(p, at);
        if (i >= 0 && (best < 0 || i < best)) { best = i; len = p.length; }
      });
      if (best < 0) { parent.appendChild(document.createTextNode(text.slice(at))); break; }
      if (best > at) parent.appendChild(document.createTextNode(text.slice(at, best)));
      parent.appendChild(el("mark", "", text.slice(best, best + len)));
      at = best + len;
    }
    return parent;
  }

  function snippet(text, ps) {
    var f = fold(text), first = -1;
    ps.forEach(function (p) { var i = f.indexOf(p); if (i >= 0 && (first < 0 || i < first)) first = i; });
    if (first < 0) return text.slice(0, 100) + (text.length > 100 ? "……" : "");
    var start = Math.max(0, first - 40), end = Math.min(text.length, first + 80);
    return (start > 0 ? "……" : "") + text.slice(start, end).replace(/\s+/g, " ") + (end < text.length ? "……" : "");
  }

  function render(doc, ps) {
    var li = el("li", "search-hit");
    var h = el("h2", "search-title");
    var a = el("a");
    a.href = doc.url;
    /* In an archive, a result whose page the bundle lacks goes to the live site, marked. */
    if (doc.outside_archive) a.setAttribute("data-outside-archive", "");
    marked(a, doc.title, ps);
    h.appendChild(a);
    li.appendChild(h);
    var meta = [doc.kind_label, doc.date, (doc.departments || []).join("、"), doc.doc_number].filter(Boolean);
    li.appendChild(el("p", "search-meta", meta.join(" · ")));
    li.appendChild(marked(el("p", "search-snippet"), snippet(doc.text, ps), ps));
    var items = (doc.items || []).filter(function (it) {
      var f = fold([it.id, it.problem, it.measures, it.responsible].concat(it.notes || []).join("\n"));
      return ps.some(function (p) { return f.indexOf(p) >= 0; });
    });
    if (items.length) {
      var ul = el("ul", "search-items");
      items.slice(0, 5).forEach(function (it) {
        var ili = el("li");
        var ia = el("a");
        ia.href = doc.url + "#item-" + it.n;
        if (doc.outside_archive) ia.setAttribute("data-outside-archive", "");
        ia.appendChild(document.createTextNode("整改事项 " + it.id + "（" + it.status + "）："));
        marked(ia, it.problem, ps);
        ili.appendChild(ia);
        ul.appendChild(ili);
      });
      li.appendChild(ul);
    }
    return li;
  }

  /* Shows the next page: checks candidates in order until PAGE have matched. */
  function next() {
    var s = state, shown = 0, ps = [];
    s.terms.forEach(function (t) { ps = ps.concat(pieces(t)); });
    more.hidden = true;
    function step() {
      if (s !== state) return;
      if (shown >= PAGE || s.at >= s.ids.length) {
        var done = s.at >= s.ids.length;
        status.textContent = s.found === 0 && done ? "没有找到与“" + s.q + "”相关的内容。"
          : (s.exact ? "共找到 " + s.ids.length + " 条结果" : "已找到 " + s.found + " 条结果" + (done ? "" : "，还有更多"))
            + (done ? "。" : "，已显示 " + s.found + " 条。");
        more.hidden = done;
        mark("pingyi-search-done");
        return;
      }
      var batch = s.ids.slice(s.at, s.at + PAGE - shown);
      s.at += batch.length;
      /* Fetched together, shown in order as each arrives. */
      var chain = Promise.resolve();
      batch.map(function (id) { return index.doc(id); }).forEach(function (p) {
        chain = chain.then(function () { return p; }).then(function (doc) {
          if (s !== state) return;
          if (s.exact || matches(doc, s.terms)) {
            list.appendChild(render(doc, ps));
            if (!s.found) mark("pingyi-search-first");
            shown++; s.found++;
          }
        });
      });
      chain.then(step).catch(failed);
    }
    step();
  }

  /* For benchmarks (benches/search.mjs): when a query started, showed its first result, ended. */
  function mark(name) { if (window.performance && performance.mark) performance.mark(name); }

  function failed(e) {
    status.textContent = "搜索索引加载失败，请稍后重试。（" + e.message + "）";
  }

  function run(push) {
    var q = input.value.trim();
    list.textContent = "";
    more.hidden = true;
    if (!q) { status.textContent = ""; state = null; return; }
    var params = new URLSearchParams();
    params.set("q", q);
    var facetCodes = [];
    Object.keys(selects).forEach(function (k) {
      var v = selects[k].value;
      if (v) { params.set(k, v); facetCodes.push(Number(selects[k].selectedOptions[0].getAttribute("data-code"))); }
    });
    if (push) history.replaceState(null, "", "?" + params.toString());
    status.textContent = "正在搜索……";
    mark("pingyi-search-start");
    var s = { q: q };
    state = s;
    index.query(q, facetCodes).then(function (r) {
      if (state !== s) return;
      s.ids = r.ids; s.terms = r.terms; s.exact = r.exact; s.at = 0; s.found = 0;
      /* When the index alone decides, the count is known at once. */
      if (r.exact && r.ids.length) status.textContent = "共找到 " + r.ids.length + " 条结果，正在显示……";
      next();
    }).catch(failed);
  }

  index.ready().then(function (meta) {
    var params = new URLSearchParams(location.search);
    [["type", meta.types], ["year", meta.years], ["dept", meta.departments]].forEach(function (pair) {
      var sel = selects[pair[0]];
      pair[1].forEach(function (f) {
        var o = el("option", "", f.label);
        o.value = f.value;
        o.setAttribute("data-code", String(f.code));
        sel.appendChild(o);
      });
      if (params.get(pair[0])) sel.value = params.get(pair[0]);
      sel.addEventListener("change", function () { run(true); });
    });
    form.querySelector("[data-filters]").hidden = false;
    input.value = params.get("q") || "";
    if (input.value) run(false);
  }).catch(failed);
  form.addEventListener("submit", function (e) { e.preventDefault(); run(true); });
  more.addEventListener("click", next);
})(typeof window !== "undefined" ? window : globalThis);
