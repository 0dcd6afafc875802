// Staff reply box: "Knowledgebase link" finds published articles as you type and inserts
// "Title: address" into the reply at the cursor (titles in the customer's language).
(function () {
  "use strict";
  document.querySelectorAll("[data-kb-links]").forEach(function (widget) {
    var form = widget.closest("form");
    var box = form && form.querySelector("textarea[name=body]");
    var input = widget.querySelector("[data-kb-links-query]");
    var list = widget.querySelector("[data-kb-links-list]");
    if (!box || !input || !list) {
      return;
    }
    widget.hidden = false;
    var timer = null;
    var pending = null;

    function insert(text) {
      // staff.js, loaded first, owns the reply box's insertion.
      window.netdigiInsertIntoReply(box, text);
    }

    function show(articles) {
      list.replaceChildren();
      articles.forEach(function (article) {
        var item = document.createElement("li");
        item.className = "list-group-item px-0";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-link btn-sm p-0 text-start";
        button.textContent = article.title;
        button.dataset.kbLink = article.url;
        button.addEventListener("click", function () {
          insert(article.title + ": " + article.url);
          list.replaceChildren();
          input.value = "";
        });
        item.appendChild(button);
        list.appendChild(item);
      });
    }

    function lookUp() {
      var query = input.value.trim();
      if (query.length < 2) {
        show([]);
        return;
      }
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var url = widget.dataset.url + "?lang=" + encodeURIComponent(widget.dataset.lang || "") +
        "&q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", signal: pending.signal })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && input.value.trim() === query) {
            show(data.articles || []);
          }
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 250);
    });
    // Enter in this box must not send the reply.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        lookUp();
      }
    });
  });
})();
