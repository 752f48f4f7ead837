"""Views of the web app: thin, each resolving its client through :mod:`bokslut.web.access`."""
