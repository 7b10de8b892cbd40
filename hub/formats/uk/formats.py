"""Ukrainian dates: 12 березня 2024 р. (``E`` is the month in the genitive)."""

DATE_FORMAT = "j E Y р."
DATETIME_FORMAT = "j E Y р., H:i"
# A month on its own is in the nominative: березень 2024.
YEAR_MONTH_FORMAT = "F Y"
