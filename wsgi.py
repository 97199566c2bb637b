"""Entry point for gunicorn (`wsgi:app`) and the flask CLI (`flask --app wsgi ...`)."""

import gc

from brainstorm import create_app

app = create_app()
# What the app loaded (libraries, models, the engine's word lists) lives as long as the process:
# kept out of the collector's full passes, which otherwise stall every socket of the worker for
# a quarter of a second now and then (measured on the report downloads).
gc.freeze()
