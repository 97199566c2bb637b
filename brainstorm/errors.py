"""Domain errors: services raise these; views and socket handlers turn them into words."""

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A refusal the user can understand and act on."""

    code = "error"
    default_message = _l("Dat lukte niet.")

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self._message = message if message is not None else self.default_message
        if code:
            self.code = code
        super().__init__(str(self._message))

    @property
    def message(self) -> str:
        """The message in the current locale."""
        return str(self._message)

    def to_ack(self) -> dict:
        """The Socket.IO acknowledgement for this refusal."""
        return {"ok": False, "code": self.code, "error": self.message}


class InputError(DomainError):
    """The input cannot be used as it is."""

    code = "invalid_input"
    default_message = _l("Controleer wat je hebt ingevuld.")


class NotAllowed(DomainError):
    """The caller may not do this."""

    code = "not_allowed"
    default_message = _l("Dit mag je niet doen.")


class NotFound(DomainError):
    """What was asked for does not exist (or is not visible to the caller)."""

    code = "not_found"
    default_message = _l("Niet gevonden.")


class PhaseClosed(DomainError):
    """The session is not in a phase that allows this."""

    code = "phase_closed"
    default_message = _l("Dit kan nu niet in deze fase van de sessie.")


class LimitReached(DomainError):
    """A per-person limit (vraagstukken, votes) is used up."""

    code = "limit_reached"
    default_message = _l("Je hebt het maximum bereikt.")


class TooFast(DomainError):
    """Too many commands of a kind in a minute (a script, or a stuck key)."""

    code = "rate_limited"
    default_message = _l("Je stuurt wel heel snel achter elkaar. Wacht even en probeer opnieuw.")
