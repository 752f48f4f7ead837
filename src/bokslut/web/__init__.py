"""The web app: Swedish, server-rendered pages (Django templates + HTMX) over the ledger."""
