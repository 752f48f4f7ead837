"""SIE 1–4 (4E and 4I) reader and writer. Pure Python: imports no Django."""
