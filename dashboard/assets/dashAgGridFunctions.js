// Functions the ranked table's column definitions refer to by name.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// A number written the Venezuelan way: 12.345,6; empty cells as an em dash.
dagfuncs.salaNumber = function (value, decimals) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return "—";
  }
  return Number(value).toLocaleString("es-VE", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
};

// A record's code as a markdown link to its card: `[A1](/acuerdo?codigo=A1)`.
dagfuncs.salaCodeLink = function (code, prefix) {
  if (code === null || code === undefined) {
    return "";
  }
  return "[" + String(code).replace(/[\[\]]/g, "") + "](" + prefix + encodeURIComponent(code) + ")";
};

// A day written the Venezuelan way, dd/mm/aaaa, from its ISO form (which the column keeps,
// so it still sorts by date); empty cells as an em dash.
dagfuncs.salaDate = function (value) {
  if (value === null || value === undefined || value === "") {
    return "—";
  }
  var day = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value));
  return day ? day[3] + "/" + day[2] + "/" + day[1] : String(value);
};
