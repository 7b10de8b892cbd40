"""Date formats of the hub's two languages (``FORMAT_MODULE_PATH``).

Only the formats set here differ from Django's own; everything else (number
separators, input formats) comes from Django's locale data. Templates use
``|date`` (``DATE_FORMAT``) and ``|date:"DATETIME_FORMAT"`` so that a date
reads "12 March 2024" in English and "12 березня 2024 р." in Ukrainian (the
month in the genitive, Django's ``E``).
"""
