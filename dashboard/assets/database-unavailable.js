// While the database cannot be reached (restarting, stopped), the server answers Dash's
// requests with 503 and a Spanish message. Instead of a map that silently stops updating,
// show a banner, hold each refused request, poll the cheap health endpoint, and when it
// answers again send the held requests once more: Dash receives their answers as if they
// had only been slow, so the view catches up by itself, without a reload.
(function () {
  var FALLBACK = "Sin conexión con la base de datos; reintentando…";
  var POLL_MS = 2000;
  var nativeFetch = window.fetch;
  var held = [];
  var polling = false;

  function prefix() {
    var config = document.getElementById("_dash-config");
    try {
      return JSON.parse(config.textContent).requests_pathname_prefix || "/";
    } catch (e) {
      return "/";
    }
  }

  function banner() {
    var el = document.getElementById("db-unavailable");
    if (!el) {
      el = document.createElement("div");
      el.id = "db-unavailable";
      el.className = "db-unavailable";
      el.setAttribute("role", "alert");
      el.hidden = true;
      document.body.insertBefore(el, document.body.firstChild);
    }
    return el;
  }

  function show(message) {
    var el = banner();
    el.textContent = message || FALLBACK;
    el.hidden = false;
  }

  function recovered() {
    banner().hidden = true;
    polling = false;
    var retries = held;
    held = [];
    retries.forEach(function (retry) {
      retry();
    });
  }

  function poll() {
    nativeFetch(prefix() + "salud", { cache: "no-store", credentials: "same-origin" }).then(
      function (response) {
        if (response.ok) {
          recovered();
        } else {
          setTimeout(poll, POLL_MS);
        }
      },
      function () {
        setTimeout(poll, POLL_MS);
      }
    );
  }

  function attempt(input, init) {
    // A Request's body can be read once: each try sends a copy.
    var request = typeof Request !== "undefined" && input instanceof Request ? input.clone() : input;
    return nativeFetch(request, init).then(function (response) {
      if (response.status !== 503) {
        return response;
      }
      return response
        .clone()
        .json()
        .catch(function () {
          return {};
        })
        .then(function (body) {
          show(body.message);
          if (!polling) {
            polling = true;
            setTimeout(poll, POLL_MS);
          }
          return new Promise(function (resolve, reject) {
            held.push(function () {
              attempt(input, init).then(resolve, reject);
            });
          });
        });
    });
  }

  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    if (url.indexOf("/_dash-") === -1) {
      return nativeFetch.apply(this, arguments);
    }
    return attempt(input, init);
  };
})();
