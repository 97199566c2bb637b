"""The outcome, shared: an event's outcome page (draft until published, public or by a secret
link) and the feedback mail (terugkoppeling) to the people who registered."""
