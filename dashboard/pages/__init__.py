"""The pages of the app, each registered with `dash.register_page`."""
