// Autosave on a speerpunt page: every change of a level, n.v.t. or toelichting is sent to the
// server as the form itself would send it (its fields, CSRF token and version), one save at a
// time; the save bar says what became of it. After someone else's save the server refuses, and
// the page shows the same choice as after the form's own save; nothing more is saved until the
// user chooses. Leaving with changes that are not saved asks first.
// Without this script the page works as a plain form: the buttons post it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) { return; }
  var status = document.getElementById("opslag-status");
  var version = form.querySelector('input[name="version"]');
  var problemBox = document.getElementById("autosave-problem");
  var TYPING_PAUSE = 1000;  // ms after the last key in a toelichting
  var RETRY = 15000;        // ms between tries while the server cannot be reached

  var dirty = false;      // changes not sent yet
  var busy = false;       // a save on its way
  var failed = false;     // the last save did not go through
  var stopped = false;    // a conflict: the user chooses (Opslaan, or the stored version)
  var leaving = false;    // the form is posted, or the stored version chosen: nothing is lost
  var waiting = null;     // a button pressed while a save was on its way: pressed again after it
  var timer = null;

  function say(text) {
    if (status.textContent !== text) { status.textContent = text; }  // the region reads out changes only
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  // The answers as they stand on the page, to tell a real change from a box left as it was.
  function answers() {
    var fields = form.querySelectorAll('input[type="radio"]:checked, textarea');
    return Array.prototype.map.call(fields, function (field) {
      return field.name + "=" + field.value;
    }).join("&");
  }
  var sent = answers();   // what the server has, or is being sent

  function changed(typing) {
    if (!failed && answers() === sent) { return; }  // e.g. leaving a toelichting already saved
    dirty = true;
    if (!stopped) { schedule(typing ? TYPING_PAUSE : 0); }
  }

  function save() {
    if (stopped || busy || !dirty) { return; }  // a save on its way sends the rest when it is done
    busy = true;
    dirty = false;
    sent = answers();
    say(status.dataset.saving);
    fetch(form.dataset.autosave, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { done(data); }, function () { done(null); });
    }, unreachable);
  }

  function done(data) {
    busy = false;
    if (data && data.state === "saved") {
      failed = false;
      version.value = data.version;
      say(data.message);
      document.getElementById("voortgang").innerHTML = data.progress;
      document.getElementById("speerpunt-stand").innerHTML = data.theme;
      if (waiting) { post(); } else if (dirty) { schedule(0); }
      return;
    }
    failed = true;
    dirty = true;
    if (data && data.state === "conflict") {
      waiting = null;  // the user chooses first
      stopped = true;
      // Saving again with the stored version's number is the choice to keep one's own answers.
      version.value = data.version;
      conflict(data);
    } else if (waiting) {
      post();  // the page that comes back shows what is wrong, at the questions
      return;
    }
    say(data && data.message ? data.message : status.dataset.failed);
  }

  function unreachable() {
    busy = false;
    waiting = null;  // posting the form now would lose the page: the user presses again later
    failed = true;
    dirty = true;
    say(status.dataset.offline);
    schedule(RETRY);
  }

  function conflict(data) {
    problemBox.innerHTML = data.summary;
    Object.keys(data.notes).forEach(function (id) {
      var question = document.getElementById(id);
      if (!question) { return; }
      var old = question.querySelector(".conflict-note");
      if (old) { old.parentNode.removeChild(old); }
      question.querySelector(".comment").insertAdjacentHTML("beforebegin", data.notes[id]);
    });
    if (document.title.indexOf(status.dataset.errorPrefix) !== 0) {
      document.title = status.dataset.errorPrefix + " " + document.title;
    }
    var box = problemBox.firstElementChild;
    if (box) { box.focus(); }
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") { changed(false); }
    else if (event.target.tagName === "TEXTAREA") { changed(false); }  // left the box: save now
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") { changed(true); }
  });
  // "Wis antwoord" takes the answer away in place, instead of posting the whole form.
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button.clear-answer");
    if (!button) { return; }
    event.preventDefault();
    var question = button.closest("fieldset");
    var radios = question.querySelectorAll('input[type="radio"]');
    Array.prototype.forEach.call(radios, function (radio) { radio.checked = false; });
    if (radios.length) { radios[0].focus(); }  // the button itself hides now
    changed(false);
  });
  // A button pressed during a save waits for it: the form would carry the version from before
  // it, and the server would take the user's own save for someone else's.
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);  // the form carries every change itself
    if (busy) {
      event.preventDefault();
      waiting = { submitter: event.submitter || null };
      return;
    }
    leaving = true;
  });

  function post() {
    var submitter = waiting.submitter;
    waiting = null;
    if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-discard]")) { leaving = true; }
  });
  window.addEventListener("online", function () {
    if (dirty && !stopped) { schedule(0); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !(dirty || busy || failed)) { return; }
    save();  // one more try while the browser asks
    event.preventDefault();
    event.returnValue = "";  // older browsers ask only when this is set
  });
  // The form was posted and this page came back from the browser's cache: it is a page again.
  window.addEventListener("pageshow", function () { leaving = false; });

  say(status.dataset.ready);
}());
