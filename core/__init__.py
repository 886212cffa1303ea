"""Shared helpers at the bottom of the dependency chain: nothing here imports an app.

`working_days` (the Dutch working-day calendar), `dates` (month arithmetic), `csv_files`
(reading and writing CSV files whatever their columns mean), `forms` (a service's errors on
a form) and `kinds` (the kinds of signal, which agreements, signals and figures all use)."""
