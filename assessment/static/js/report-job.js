// The report job page without reloading: ask for the progress every two seconds, show it, and
// load the page again once the job is finished (for the download and the list of failures).
// Without this script the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var message = document.getElementById("job-message");
  var last = message.textContent;

  function show(data) {
    bar.max = data.total;
    bar.value = data.completed;
    if (data.message !== last) {  // the status region reads out only what changed
      message.textContent = data.message;
      last = data.message;
    }
    if (data.state === "finished" || data.state === "failed") {
      window.location.reload();
      return;
    }
    window.setTimeout(ask, 2000);
  }

  function ask() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(show)
      .catch(function () { window.setTimeout(ask, 10000); });
  }

  window.setTimeout(ask, 2000);
}());
