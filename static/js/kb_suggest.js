// Open New Ticket: knowledgebase articles that may answer the question, shown under the
// Subject while the customer types (from the third character, after a pause in typing).
// Each opens in a new tab; "This solved my problem" counts a ticket avoided and leaves the
// form as it is. Titles and snippets are put in as text, never as HTML.
(function () {
  "use strict";
  var box = document.querySelector("[data-kb-suggest]");
  var form = document.querySelector("form[data-ticket-form]");
  var subject = form && form.querySelector("input[name=subject]");
  if (!box || !subject) {
    return;
  }
  var list = box.querySelector("[data-kb-list]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var DELAY = 300;
  var MIN_LENGTH = 3;
  var timer = null;
  var pending = null;
  var lastQuery = "";

  // Under the Subject field (its label, box, errors and help).
  var field = subject.closest(".mb-3") || subject.parentElement;
  field.insertAdjacentElement("afterend", box);

  function snippet(parts) {
    var text = document.createElement("div");
    text.className = "text-body-secondary";
    parts.forEach(function (part) {
      var node = part[1] ? document.createElement("mark") : document.createTextNode(part[0]);
      if (part[1]) {
        node.textContent = part[0];
      }
      text.appendChild(node);
    });
    return text;
  }

  function solved(button, url) {
    button.disabled = true;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          var note = document.createElement("p");
          note.className = "text-success mb-0";
          note.setAttribute("role", "status");
          note.textContent = data.message || data.error || "";
          button.replaceWith(note);
        });
      })
      .catch(function () {
        button.disabled = false;
      });
  }

  function show(articles) {
    list.replaceChildren();
    articles.forEach(function (article) {
      var item = document.createElement("li");
      item.className = "mb-2";
      var link = document.createElement("a");
      link.href = article.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.className = "fw-semibold";
      link.textContent = article.title;
      var hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = " " + box.dataset.opens;
      link.appendChild(hint);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm p-0";
      button.textContent = box.dataset.solved;
      button.addEventListener("click", function () {
        solved(button, article.solved_url);
      });
      item.append(link, snippet(article.snippet), button);
      list.appendChild(item);
    });
    box.hidden = articles.length === 0;
  }

  function lookUp() {
    var query = subject.value.trim();
    if (query.length < MIN_LENGTH) {
      lastQuery = "";
      show([]);
      return;
    }
    if (query === lastQuery) {
      return;
    }
    lastQuery = query;
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    fetch(box.dataset.url + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: pending.signal,
    })
      .then(function (response) {
        // Too many requests: keep what is shown; the next pause in typing asks again.
        if (!response.ok) {
          lastQuery = "";
          return null;
        }
        return response.json();
      })
      .then(function (data) {
        if (data && subject.value.trim() === query) {
          show(data.articles || []);
        }
      })
      .catch(function () {});
  }

  subject.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, DELAY);
  });
  if (subject.value.trim().length >= MIN_LENGTH) {
    lookUp();
  }
})();
