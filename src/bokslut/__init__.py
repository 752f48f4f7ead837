"""bokslut: a year-end closing workspace for Swedish companies, fed by Fortnox."""

__version__ = "0.1.0"
