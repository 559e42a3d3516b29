"""The Dash application: the room's map, panels and pages; the root of the `sala` command.

Where things live:
- `app` (the app factory), `serve`/`gunicorn_app` (the server), `cli` (the `sala` root);
- routes on the Flask server: `geo` (`/geo/children/…`, the map's boundaries), `auth` and
  `login_page` (sign-in), `session` (who asks, with which scope), `request_guard`,
  `headers`, `static_cache`; the layer routes (tiles, exports, OGC) are `layers.web`'s;
- `pages/` (one module per page), `components/` (their parts), `callbacks/` (thin: unpack
  inputs, call a view model); `view` (the view in the URL), `ids`, `inputs`;
- view models, a view in and plain data out: the room in `room_vm`, its event handler in
  `events_vm`, its panels in `panels_vm`, the read cache in `cache`, the case panel in
  `case_vm`, downloads in `downloads_vm` (`viewmodels` gathers the room's names); one
  `*_vm` module per other page (solutions, operations, communal, advice, team, notify…);
- `texts/` (every Spanish string, by page), `figures`, `classify`, `variation`.
"""
