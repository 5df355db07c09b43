"""Marshmallow helpers: a base schema and translation of marshmallow's built-in messages.

Marshmallow's own messages are English strings, some with values filled in ("Longer than maximum
length 64."). Rather than re-declare every field's messages, errors pass through
:func:`translate_messages` on their way out, which maps each template to its catalogue entry and
carries the filled-in values over.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock

# marshmallow template -> our translated template (same placeholders)
_TEMPLATES: dict[str, Any] = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field may not be empty."),
    "Unknown field.": _l("Unknown field."),
    "Invalid input type.": _l("Invalid input type."),
    "Invalid input.": _l("Invalid input."),
    "Invalid value.": _l("Invalid value."),
    "Not a valid string.": _l("Not a valid text."),
    "Not a valid integer.": _l("Not a valid whole number."),
    "Not a valid number.": _l("Not a valid number."),
    "Not a valid boolean.": _l("Not a valid yes/no value."),
    "Not a valid date.": _l("Not a valid date (YYYY-MM-DD)."),
    "Not a valid datetime.": _l("Not a valid date and time."),
    "Not a valid email address.": _l("Not a valid email address."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid mapping type.": _l("Not a valid object."),
    "Must be one of: {choices}.": _l("Must be one of: {choices}."),
    "Length must be between {min} and {max}.": _l("Length must be between {min} and {max}."),
    "Shorter than minimum length {min}.": _l("Must be at least {min} characters."),
    "Longer than maximum length {max}.": _l("Must be at most {max} characters."),
    "Must be greater than or equal to {min}.": _l("Must be at least {min}."),
    "Must be less than or equal to {max}.": _l("Must be at most {max}."),
    "Must be greater than or equal to {min} and less than or equal to {max}.": _l(
        "Must be between {min} and {max}."
    ),
    "String does not match expected pattern.": _l("Not in the expected format."),
}


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


# Longest first, so "… {min} and … {max}." is not taken for "… {min}." with a long {min}.
_PATTERNS = [
    (_compile(template), target)
    for template, target in sorted(_TEMPLATES.items(), key=lambda item: -len(item[0]))
]


def translate_message(message: str) -> str:
    for pattern, target in _PATTERNS:
        match = pattern.match(message)
        if match:
            return str(target).format(**match.groupdict())
    return message


def translate_messages(messages: Any) -> Any:
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translate_messages(item) for item in messages]
    if isinstance(messages, str):
        return translate_message(messages)
    return messages


class Schema(ma.Schema):
    """Base schema: unknown fields are refused; strings are stripped."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _strip_strings(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, dict):
            return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return data


Validator = Callable[[Any], Any]


def _with_own(own: list[Validator], validate: Validator | Iterable[Validator] | None) -> list:
    """The helper's own checks followed by the caller's ``validate=`` (one callable or several),
    so a field gets both rather than a clash of two ``validate`` arguments."""
    if validate is None:
        return own
    if callable(validate):
        return [*own, validate]
    return [*own, *validate]


def not_blank(value: str) -> None:
    if not value or not value.strip():
        raise ma.ValidationError(_("This field is required."))


def required_text(
    max_length: int, *, validate: Validator | Iterable[Validator] | None = None, **kwargs: Any
) -> ma.fields.String:
    """A required, non-blank string of at most ``max_length`` characters; ``validate`` adds
    checks after those two, ``kwargs`` go to ``marshmallow.fields.String``."""
    own: list[Validator] = [not_blank, ma.validate.Length(max=max_length)]
    return ma.fields.String(required=True, validate=_with_own(own, validate), **kwargs)


def mobile_number(value: str | None) -> None:
    """Mainland mobile numbers: 11 digits starting with 1."""
    if value and not re.fullmatch(r"1[3-9]\d{9}", value):
        raise ma.ValidationError(_("A mobile number has 11 digits and starts with 1."))


def choice(
    choices: dict[str, Any],
    *,
    validate: Validator | Iterable[Validator] | None = None,
    **kwargs: Any,
) -> ma.fields.String:
    """One of ``choices`` (key → label); with :class:`ChoiceSchema` the label is accepted too.
    ``validate`` adds checks after the choice."""
    own: list[Validator] = [ma.validate.OneOf(list(choices))]
    metadata = {**kwargs.pop("metadata", {}), "choices": choices}
    return ma.fields.String(validate=_with_own(own, validate), metadata=metadata, **kwargs)


def optional_text(
    max_length: int, *, validate: Validator | Iterable[Validator] | None = None, **kwargs: Any
) -> ma.fields.String:
    """An optional string of at most ``max_length`` characters (``None`` when left out);
    ``validate`` adds checks after the length (they see only values that are given)."""
    own: list[Validator] = [ma.validate.Length(max=max_length)]
    kwargs.setdefault("load_default", None)
    kwargs.setdefault("allow_none", True)
    return ma.fields.String(validate=_with_own(own, validate), **kwargs)


def phone_number(value: str | None) -> None:
    """A landline or mobile number: 7 to 20 digits and dashes."""
    if value and not re.fullmatch(r"[\d-]{7,20}", value):
        raise ma.ValidationError(_("A phone number has 7 to 20 digits (and dashes)."))


def amount(value: Decimal | None) -> None:
    """A plain function, not ``Range``: apispec would write a Decimal range as strings."""
    if value is not None and not 0 <= value <= 10**11:
        raise ma.ValidationError(_("Give an amount between 0 and 100,000,000,000."))


MAX_ID = 2**31 - 1  # the largest id an integer column holds (PostgreSQL's int4)


def record_id(**kwargs: Any) -> ma.fields.Integer:
    """The id of another record (an enterprise, a unit): a whole number from 1 to
    :data:`MAX_ID`; a larger one is a 422 on the field, never sent to the database (where
    PostgreSQL refuses it with an error). ``kwargs`` go to ``marshmallow.fields.Integer``."""
    in_range = ma.validate.Range(min=1, max=MAX_ID, error=_l("There is no such record."))
    return ma.fields.Integer(validate=in_range, **kwargs)


def not_future(value: date) -> None:
    """A date that has happened (in the platform's time zone), after 1900."""
    if value > clock.today():
        raise ma.ValidationError(_("The date cannot be in the future."))
    if value.year < 1900:
        raise ma.ValidationError(_("Give a date after 1900 (YYYY-MM-DD)."))


def at_most_a_year_ahead(value: date) -> None:
    """A date planned at most a year from the platform's today (a session, an activity held)."""
    if (value - clock.today()).days > 365:
        raise ma.ValidationError(_("The date can be at most one year ahead."))


def choice_label(key: str, choices: dict[str, Any]) -> ma.fields.Field:
    """``<key>_label`` in the JSON: the label of the choice made, for clients that show it."""
    return ma.fields.Function(lambda obj: str(choices.get(getattr(obj, key), "")), dump_only=True)


class ChoiceSchema(Schema):
    """Choice fields accept the label a user sees (流动人口) as well as the key (``floating``),
    so spreadsheets can use words."""

    @ma.pre_load
    def _labels_to_keys(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name, by_label in self._label_keys().items():
            value = data.get(name)
            if isinstance(value, str):
                data[name] = by_label.get(value, value)
        return data

    def _label_keys(self) -> dict[str, dict[str, str]]:
        """``{field: {label: key}}`` of the fields with fixed choices, in the current language:
        built once per schema object and language, not per row (an import loads 50,000)."""
        from flask_babel import get_locale

        cache: dict[str, dict[str, dict[str, str]]] = self.__dict__.setdefault(
            "_jiedao_label_keys", {}
        )
        language = str(get_locale())
        found = cache.get(language)
        if found is None:
            found = {
                name: {str(label): key for key, label in choices.items()}
                for name, field in self.fields.items()
                if (choices := field.metadata.get("choices")) and not callable(choices)
            }
            cache[language] = found
        return found


class KeysField(ma.fields.List):
    """Several keys of a choice list (given by a function, so that a module's vocabulary or the
    active modules are read when the value is): a list, or a text "老年人、青少年" (keys or
    labels) from a spreadsheet. Unknown ones are refused by name, in ``unknown`` (a message with
    ``%(items)s``) when the field names its own."""

    def __init__(
        self, choices: Callable[[], dict[str, Any]], unknown: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(ma.fields.String(), **kwargs)
        self.choices_of = choices
        self.unknown = unknown

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if isinstance(value, str):
            value = [v for v in re.split(r"[,，、;；\s]+", value) if v]
        found = super()._deserialize(value, attr, data, **kwargs)
        known = self.choices_of()
        by_label = {str(label): key for key, label in known.items()}
        keys: list[str] = []
        unknown: list[str] = []
        for item in found:
            key = item if item in known else by_label.get(item)
            if key is None:
                unknown.append(item)
            elif key not in keys:
                keys.append(key)
        if unknown:
            items = "、".join(unknown)
            if self.unknown is not None:
                raise ma.ValidationError(str(self.unknown) % {"items": items})
            raise ma.ValidationError(_("Not in the list: %(items)s", items=items))
        return keys
