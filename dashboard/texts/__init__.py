"""The Spanish strings of the interface (code and comments stay in English), one module per page or concern:
`common` (name, navigation, «not found», dropdowns, dates), `room` (the map room's controls, legend, timeline,
first-screen panel), `panels` (grid, charts, filters, downloads, news), `solutions`, `operations` (alerts,
shift log, notifications), `records` (case, project, CLAP and agreement cards), `communal` (the communal page
and the advice page), `team`. Every name is re-exported here: callers write `texts.NAME`."""

from dashboard.texts.common import *  # noqa: F401,F403
from dashboard.texts.communal import *  # noqa: F401,F403
from dashboard.texts.operations import *  # noqa: F401,F403
from dashboard.texts.panels import *  # noqa: F401,F403
from dashboard.texts.records import *  # noqa: F401,F403
from dashboard.texts.room import *  # noqa: F401,F403
from dashboard.texts.solutions import *  # noqa: F401,F403
from dashboard.texts.team import *  # noqa: F401,F403
