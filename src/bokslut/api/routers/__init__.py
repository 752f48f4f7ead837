"""One router per resource; :mod:`bokslut.api.api` mounts them."""
