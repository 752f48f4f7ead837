"""The JSON API (django-ninja) at ``/api/``, authenticated by personal API tokens.

Amounts are exact decimal strings with two decimals (``"-1234.50"``): JSON numbers are
read as binary floats by most clients, which would silently round öre away.
"""
