"""Every component id of the dashboard, in one place, so layouts and callbacks agree."""

from __future__ import annotations

# Shell (every page)
DEMO_BADGE = "demo-badge"
ACCESS_NOTICE = "access-notice"
USER = "user"
NAV = "nav"

# Map room (home page)
VIEW = "view"  # dcc.Store: the view the URL carries (territory, indicator, layers, period, filters)
RENDERED = "rendered"  # dcc.Store: what the map currently holds, to decide full figure or Patch
URL_SYNC = "url-sync"  # hidden output of the clientside callback that writes the URL
BREADCRUMB = "breadcrumb"
CRUMB = "crumb"  # pattern-matching type: {"type": CRUMB, "code": ...}
TITLE = "room-title"
MAP = "map"
LEGEND = "legend"
MAP_NOTE = "map-note"
ATTRIBUTION = "attribution"
INDICATOR = "indicator"
SHOW = "show"
CLASSIFICATION = "classification"  # how the choropleth is classed (dashboard.classify.METHODS)
CLASSES = "classes"  # how many classes (3–7)
POINT_LEGEND = "point-legend"  # the point layers' key, under the choropleth's legend
LAYERS = "layers"
ROUND = "round"
DATES = "dates"
CLEAR_PERIOD = "clear-period"
# Record filters, by their URL name (dashboard.view.ROOM_FILTERS)
FILTERS = {"category": "filter-category", "status": "filter-status", "overdue": "filter-overdue", "stage": "filter-stage"}
FILTERS_NOTE = "filters-note"
KPIS = "kpis"
GRID = "grid"
GRID_TITLE = "grid-title"
CHART_CASES = "chart-cases"
CHART_DEPOSITS = "chart-deposits"
CHART_DELIVERIES = "chart-deliveries"
SOLUTIONS_LINK = "solutions-link"
ALERTS_LINK = "alerts-link"
ERROR = "room-error"

# Operator mode
OPERATOR = "operator"
INTERVAL = "interval"
LAST_REFRESH = "last-refresh"  # dcc.Store: server time of the last refresh and its counts
NEWS = "news"

# Downloads
EXPORT_LAYER = "export-layer"
EXPORT_FORMAT = "export-format"
EXPORT_LINK = "export-link"
EXPORT_NOTE = "export-note"  # why there is no download (the role, an unknown layer or format)
# The SINCO minutes: the cabinet date chosen, the box shown for a municipality, a link per format.
MINUTES_BOX, MINUTES_DATE = "minutes-box", "minutes-date"
MINUTES_LINKS = {"pdf": "minutes-pdf", "csv": "minutes-csv", "xlsx": "minutes-xlsx"}
# A download that runs as a job (dashboard.downloads_vm): its button, progress line, file
# link, the job followed and the poll, for the planning pack and for slow or large exports.
PACK_BUTTON, PACK_STATUS, PACK_FILE, PACK_JOB, PACK_POLL = "pack-button", "pack-status", "pack-file", "pack-job", "pack-poll"
EXPORT_BUTTON, EXPORT_STATUS, EXPORT_FILE, EXPORT_JOB, EXPORT_POLL = (
    "export-button", "export-status", "export-file", "export-job", "export-poll"
)

# Map of Solutions
SOL_VIEW = "sol-view"
SOL_TITLE = "sol-title"
SOL_BREADCRUMB = "sol-breadcrumb"
SOL_TOTALS = "sol-totals"
SOL_MAP = "sol-map"
SOL_CATEGORIES = "sol-categories"
SOL_AGREEMENTS = "sol-agreements"
SOL_LINKS = "sol-links"
SOL_UNANSWERED = "sol-unanswered"
SOL_NEEDS = "sol-needs"
SOL_ERROR = "sol-error"
SOL_PICKER = "sol-picker"

# Operator page (alerts and shift log)
ALERTS = "alerts"
ALERT_NOTE = "alert-note"  # pattern-matching type: {"type": ALERT_NOTE, "key": ...}
ALERT_ACK = "alert-ack"  # pattern-matching type: {"type": ALERT_ACK, "key": ...}
ALERTS_VIEW = "alerts-view"
ALERT_PAGE = "alert-page"  # wraps ALERTS: the filters and the pager redraw it whole
ALERTS_KIND = "alerts-kind"
ALERTS_SEVERITY = "alerts-severity"
ALERTS_TERRITORY = "alerts-territory"
ALERTS_PREVIOUS = "alerts-previous"
ALERTS_NEXT = "alerts-next"
SHIFT_NOTE = "shift-note"
SHIFT_SAVE = "shift-save"
SHIFT_LOG = "shift-log"
OPS_MESSAGE = "ops-message"
OPS_URL = "ops-url"  # dcc.Store: the query string that reopens the page's filters and page
OPS_OPERATOR = "ops-operator"  # operator mode on /operador: the list refreshes itself
OPS_INTERVAL = "ops-interval"
OPS_OPERATOR_STATUS = "ops-operator-status"

# Case detail panel (map room)
CASE_PANEL = "case-panel"
CASE_BODY = "case-body"
CASE_CLOSE = "case-close"
CASE_CARD = "case-card"  # the card inside the panel (or alone): what a follow-up save re-renders
FOLLOW_RECORD = "follow-record"  # the record and the follow-up version the card was read at
FOLLOW_INSTITUTION = "follow-institution"
FOLLOW_ASSIGNEE = "follow-assignee"
FOLLOW_DUE = "follow-due"
FOLLOW_STATUS = "follow-status"
FOLLOW_NOTE = "follow-note"
FOLLOW_LINK = "follow-link"  # a project's: the agreement it answers
FOLLOW_SAVE = "follow-save"
FOLLOW_MESSAGE = "follow-message"

# «Novedades y atrasos», the map-first layout
NOVELTIES = "novelties"
NOVELTY = "novelty"  # pattern-matching type: {"type": NOVELTY, "kind": ..., "code": ...}
PERIOD_BUTTON = "period-button"  # pattern-matching type: {"type": PERIOD_BUTTON, "key": ...}
PANEL_TOGGLE = "panel-toggle"
FULLSCREEN = "fullscreen"
PRINT_LINK = "print-link"  # «Imprimir vista»: /print/map.pdf with the room's URL parameters
LEGEND_TOGGLE = "legend-toggle"
SIDE_PANEL = "side-panel"
ROOM = "room"
OPERATOR_STATUS = "operator-status"  # the confirmation that operator mode is on
# The timeline: the choropleth week by week (dashboard.timeline_vm)
TIMELINE = "timeline"  # the weekly slider (value: the week's index)
TIMELINE_PLAY = "timeline-play"
TIMELINE_OFF = "timeline-off"
TIMELINE_TICK = "timeline-tick"  # dcc.Interval that advances the slider while playing
TIMELINE_LABEL = "timeline-label"

# «Sistema comunal» page
COM_TITLE = "com-title"
COM_BREADCRUMB = "com-breadcrumb"
COM_KPIS = "com-kpis"
COM_MAP = "com-map"
COM_TABLE = "com-table"
COM_SECTORS = "com-sectors"
COM_ERROR = "com-error"
COM_DOWNLOADS = "com-downloads"
COM_MONEY = "com-money"

# «Asesoría para la próxima consulta» page
ADV_TITLE = "adv-title"
ADV_BREADCRUMB = "adv-breadcrumb"
ADV_KPIS = "adv-kpis"
ADV_ADVICE = "adv-advice"
ADV_CHART = "adv-chart"
ADV_SECTORS = "adv-sectors"
ADV_PROJECTS = "adv-projects"
ADV_ROUNDS = "adv-rounds"
ADV_UNITS = "adv-units"
ADV_ERROR = "adv-error"
ADV_DOWNLOADS = "adv-downloads"
ADVICE_LINK = "advice-link"
COM_ADVICE_LINK = "com-advice-link"

# The follow-up team page (/equipo)
TEAM_PICKER = "team-picker"
TEAM_TABLE = "team-table"
TEAM_MESSAGE = "team-message"
TEAM_MUNICIPALITY = "team-municipality"  # the municipality the page shows (a store)
TEAM_MEMBER = "team-member"  # which member the form edits ("" for a new one)
TEAM_ROLE = "team-role"
TEAM_NAME = "team-name"
TEAM_INSTITUTION = "team-institution"
TEAM_AREA = "team-area"
TEAM_TABLE_NAME = "team-working-table"
TEAM_PHONE = "team-phone"
TEAM_EMAIL = "team-email"
TEAM_SAVE = "team-save"
TEAM_DELETE = "team-delete"

# Notifications on /operador
NOTIFY_KINDS = "notify-kinds"
NOTIFY_TERRITORY = "notify-territory"
NOTIFY_CHANNEL = "notify-channel"
NOTIFY_TARGET = "notify-target"
NOTIFY_SUBSCRIBE = "notify-subscribe"
NOTIFY_MESSAGE = "notify-message"
NOTIFY_LIST = "notify-list"
NOTIFY_REMOVE = "notify-remove"  # pattern-matching type: {"type": NOTIFY_REMOVE, "id": ...}
