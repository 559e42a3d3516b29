// When the session ends (logout elsewhere, account disabled, password changed), Dash's
// callbacks start answering 401. Send the person to the login form, and back to the same
// view afterwards, instead of leaving a map that silently stops updating.
(function () {
  var originalFetch = window.fetch;
  window.fetch = function () {
    return originalFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401 && response.url.indexOf("/_dash-") !== -1) {
        var here = window.location.pathname + window.location.search;
        window.location.assign("/login?next=" + encodeURIComponent(here));
      }
      return response;
    });
  };
})();
