// The web catalogue's script: search (MiniSearch over the catalogue, loaded when first used),
// keyboard navigation of the results, and copy buttons. Everything else is plain HTML.
(function () {
  'use strict';
  var root = document.body.getAttribute('data-root') || '';
  var input = document.getElementById('search');
  var list = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  var index = null;
  var loading = null;
  var results = [];
  var active = -1;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = root + src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error('could not load ' + src)); };
      document.head.appendChild(script);
    });
  }

  // Scripts, not fetch: browsers refuse to fetch files from file://.
  function ready() {
    if (loading === null) {
      loading = Promise.all([load('assets/minisearch.js'), load('assets/search-data.js')]).then(function () {
        index = new window.MiniSearch({
          fields: ['name', 'description', 'fields'],
          storeFields: ['kind', 'name', 'description', 'url', 'anchors'],
          // Event names split at dots and underscores as well as spaces.
          tokenize: function (text) { return text.split(/[\s.,;:!?()[\]{}"'`·_/-]+/).filter(Boolean); },
          searchOptions: { prefix: true, fuzzy: 0.2, boost: { name: 4, fields: 1.5 }, combineWith: 'AND' },
        });
        index.addAll(window.eventspecSearch);
      });
    }
    return loading;
  }

  function hrefOf(result) {
    var terms = result.terms || [];
    for (var i = 0; i < terms.length; i++) {
      var anchor = result.anchors[terms[i]];
      if (anchor !== undefined && (result.match[terms[i]] || []).indexOf('fields') >= 0) return root + result.url + '#' + anchor;
    }
    return root + result.url;
  }

  function select(position) {
    var items = list.children;
    if (items.length === 0) return;
    active = (position + items.length) % items.length;
    for (var i = 0; i < items.length; i++) items[i].setAttribute('aria-selected', i === active ? 'true' : 'false');
    input.setAttribute('aria-activedescendant', items[active].id);
    items[active].scrollIntoView({ block: 'nearest' });
  }

  function hint(result) {
    var fields = [];
    // The field as the catalogue spells it: its anchor is `field-<path>`.
    for (var term in result.match) if (result.match[term].indexOf('fields') >= 0 && result.anchors[term] !== undefined) fields.push(result.anchors[term].slice('field-'.length));
    return (result.kind === 'event' ? '' : result.kind + ' · ') + (fields.length > 0 ? 'field ' + fields.join(', ') + ' · ' : '') + result.description;
  }

  function render() {
    list.textContent = '';
    active = -1;
    input.removeAttribute('aria-activedescendant');
    results.slice(0, 20).forEach(function (result, position) {
      var item = document.createElement('li');
      item.id = 'result-' + position;
      item.setAttribute('role', 'option');
      item.setAttribute('aria-selected', 'false');
      var link = document.createElement('a');
      link.href = hrefOf(result);
      link.textContent = result.name;
      link.tabIndex = -1;
      var text = document.createElement('span');
      text.className = 'hint';
      text.textContent = hint(result);
      item.appendChild(link);
      item.appendChild(text);
      item.addEventListener('mousedown', function (event) { event.preventDefault(); window.location.href = link.href; });
      list.appendChild(item);
    });
    var open = input.value.trim() !== '';
    list.hidden = !open;
    input.setAttribute('aria-expanded', open ? 'true' : 'false');
    status.textContent = open ? (results.length === 0 ? 'No results' : results.length + ' results') : '';
    if (open && results.length === 0) {
      var none = document.createElement('li');
      none.textContent = 'Nothing matches.';
      none.setAttribute('role', 'option');
      none.setAttribute('aria-disabled', 'true');
      none.id = 'result-none';
      list.appendChild(none);
    }
  }

  function search() {
    var query = input.value.trim();
    if (query === '') { results = []; render(); return; }
    ready().then(function () {
      if (input.value.trim() !== query) return;
      results = index.search(query);
      if (results.length === 0) results = index.search(query, { combineWith: 'OR' });
      render();
    });
  }

  input.addEventListener('focus', ready);
  input.addEventListener('input', search);
  input.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowDown') { event.preventDefault(); select(active + 1); }
    else if (event.key === 'ArrowUp') { event.preventDefault(); select(active - 1); }
    else if (event.key === 'Enter') {
      var item = list.children[active < 0 ? 0 : active];
      var link = item && item.querySelector('a');
      if (link) { event.preventDefault(); window.location.href = link.href; }
    } else if (event.key === 'Escape') { input.value = ''; results = []; render(); }
  });
  input.addEventListener('blur', function () { list.hidden = true; input.setAttribute('aria-expanded', 'false'); });
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    var typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
    if (event.key === '/' && !typing) { event.preventDefault(); input.focus(); }
  });

  // Copy buttons: the clipboard where the page may use it, else the text selected for Ctrl+C.
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button.copy') : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    var text = source.textContent;
    var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
    var select = function () {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = 'Selected: press Ctrl+C';
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, select);
    else select();
  });
})();
