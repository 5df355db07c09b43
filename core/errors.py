"""Errors that services raise and views turn into a translated 4xx (JSON for the API, a page or a
form with messages for the UI). Nothing a user types should ever end in a 500."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from core.validation import translate_messages


class DomainError(Exception):
    """A refused operation: message for the user, optional per-field messages, and optional
    ``details`` the API's error body carries beside them (the records a duplicate matched) and
    a form's page may show."""

    status = 422
    code = "invalid"

    def __init__(
        self,
        message: str,
        fields: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.details = details or {}


class Conflict(DomainError):
    status = 409
    code = "conflict"


class NotPermitted(DomainError):
    """A step the user's roles do not allow here, refused with the reason (e.g. closing a major
    hazard needs the street's sign-off)."""

    status = 403
    code = "forbidden"


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def error_payload(
    code: str,
    message: str,
    fields: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {"error": {**(details or {}), "code": code, "message": message, "fields": fields or {}}}


HTTP_MESSAGES = {
    400: lambda: _("The request could not be understood."),
    401: lambda: _("Please sign in first."),
    403: lambda: _("You do not have permission to do this."),
    404: lambda: _("Not found, or not in your part of the tree."),
    405: lambda: _("This method is not allowed here."),
    409: lambda: _("This conflicts with existing data."),
    413: lambda: _("The upload is too large."),
    422: lambda: _("Some fields are not valid."),
    429: lambda: _("Too many requests; try again later."),
    500: lambda: _("Something went wrong on the server. It has been logged; please try again."),
    503: lambda: _("The service is not available just now; please try again in a minute."),
}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def validation_fields(exc: ValidationError) -> dict[str, Any]:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    return translate_messages(messages)


def register_error_handlers(app: Flask) -> None:
    def http_error(exc: HTTPException):
        status = exc.code or 500
        message_factory = HTTP_MESSAGES.get(status)
        message = message_factory() if message_factory else (exc.description or exc.name)
        if getattr(exc, "jiedao_message", None):
            message = exc.jiedao_message  # type: ignore[attr-defined]
        if is_api_request():
            response = app.json.response(error_payload(HTTP_CODES.get(status, "error"), message))
            response.status_code = status
            if status == 405 and exc.get_response().headers.get("Allow"):
                response.headers["Allow"] = exc.get_response().headers["Allow"]
            return response
        return render_template("error.html", status=status, message=message), status

    def domain_error(exc: DomainError):
        if is_api_request():
            response = app.json.response(
                error_payload(exc.code, exc.message, exc.fields, exc.details)
            )
            response.status_code = exc.status
            return response
        return render_template("error.html", status=exc.status, message=exc.message), exc.status

    def marshmallow_error(exc: ValidationError):
        payload = error_payload("invalid", _("Some fields are not valid."), validation_fields(exc))
        if is_api_request():
            response = app.json.response(payload)
            response.status_code = 422
            return response
        return render_template("error.html", status=422, message=payload["error"]["message"]), 422

    def database_unreachable(exc: sa_exc.DBAPIError):
        """The database is down or restarting: a 503 that asks to retry, from a page that does
        not need the database; nothing half-written stays (the session is rolled back)."""
        if not isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) and not getattr(
            exc, "connection_invalidated", False
        ):
            raise exc
        from flask import g

        from core.db import db

        g.database_down = True  # the language comes from the session, not the account
        db.session.rollback()
        app.logger.warning("database unreachable: %s", exc.orig)
        message = HTTP_MESSAGES[503]()
        if is_api_request():
            response = app.json.response(error_payload(HTTP_CODES[503], message))
        else:
            # Straight from the template: the context processors would read the database.
            page = app.jinja_env.get_template("unavailable.html")
            response = app.make_response(
                page.render(message=message, locale=str(get_locale()), request=request)
            )
        response.status_code = 503
        response.headers["Retry-After"] = "30"
        return response

    app.register_error_handler(sa_exc.DBAPIError, database_unreachable)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(ValidationError, marshmallow_error)
