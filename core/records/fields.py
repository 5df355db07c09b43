"""What a schema field says about itself to the generated pages, exports and history.

A ledger's marshmallow schema is its single description: each field carries, in its
``metadata``, the label users see, its sensitivity class, whether the list shows it or filters
by it, how the form renders it and whether exports carry it. :func:`describe` sets these on any
marshmallow field, so plugins keep using the validators they know::

    id_number = describe(ResidentIdField(required=True), label=_l("Resident ID"),
                         sensitivity=S2, mask=mask_id, column=True)

The usual kinds of field have a constructor each, the label first and :func:`describe`'s
options as keywords, so that a field is a line (optional unless ``required=True``)::

    name = Text(_l("Full name"), 50, required=True, column=True, sort=True)
    status = Choice(_l("Residence status"), STATUSES, default="registered", filter="choice")
    found_on = Date(_l("Found on"), validate=not_future, column=True, sort=True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.validation import KeysField, choice, optional_text, record_id, required_text

if TYPE_CHECKING:
    from typing_extensions import Unpack

S1, S2, S3 = "S1", "S2", "S3"
# What JSON, history and the audit log hold in place of an S3 value (or of a list's S3 items),
# and what pages and exports show there.
WITHHELD = "***"
HIDDEN = _l("Hidden")
FILTER_KINDS = ("choice", "date", "year", "text", "tag", "place", "bool")
WIDGETS = (
    "text",
    "textarea",
    "select",
    "radio",
    "checkbox",
    "checkboxes",
    "date",
    "time",
    "number",
    "picker",
    "hidden",  # carried through the form, not typed (e.g. the inspection a hazard came from)
    "rows",  # a table of small forms, one per row (the items of a checklist)
)


def describe(
    field: ma.fields.Field,
    *,
    label: Any,
    sensitivity: str = S1,
    mask: Callable[[Any], Any] | None = None,
    column: bool = False,
    sort: bool = False,
    filter: str | None = None,
    export: bool = True,
    widget: str | None = None,
    picker: str | None = None,
    help: Any = None,
    choices: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    imports: bool = True,
    form: bool = True,
    shown: bool = True,
    former_labels: tuple[str, ...] = (),
    picker_label: Callable[[Any], str | None] | None = None,
    item_sensitivity: Callable[[Any], str] | None = None,
    record_sensitivity: Callable[[Any], str] | None = None,
) -> ma.fields.Field:
    """Attach what the generated views need to ``field`` and return it.

    ``column``/``sort``: shown (sortable) in the list; ``filter``: one of :data:`FILTER_KINDS`;
    ``widget``: the form's input (chosen from the field's type when left out); ``picker``: the
    endpoint of a JSON search (``{"items": [{"id", "label"}]}``) for fields that refer to one of
    thousands of records; ``choices``: key → label (or a function giving them, for choices
    declared at run time such as tags), when the field does not carry them already;
    ``shown=False``: a form field whose value another field shows (an enterprise's id, shown by
    its name): left off pages, lists and exports, still in the form and the JSON;
    ``former_labels``: what the label said before it was corrected (户籍状态 for 居住状态), so
    spreadsheets headed the old way still import; ``picker_label``: what the picker's box
    shows for the id the form holds (the chosen guardian's name), ``None`` for one the user may
    not see. ``item_sensitivity``: for a list of keys (a resident's tags), the class of each
    key, so one field holds keys of both kinds: the S3 ones are hidden as S3 values are, and
    where any is, one ``***`` stands for them all (pages: "已隐藏"), never saying which or how
    many. ``record_sensitivity``: the field's class in one record, where it depends on the
    record (what a dispute is about: S3 for a family dispute, S1 for a neighbours' one); the
    declared ``sensitivity`` is the class wherever no record is at hand — history and the audit
    log (they outlive the record's present state), search, the permission to change the value —
    so declare the strictest class the function may answer: an answer stricter than it is taken
    as it, an answer that is no class as the declared one.
    """
    if sensitivity not in (S1, S2, S3):
        raise ValueError(f"sensitivity must be S1, S2 or S3, not {sensitivity!r}")
    if filter is not None and filter not in FILTER_KINDS:
        raise ValueError(f"filter must be one of {FILTER_KINDS}, not {filter!r}")
    if widget is not None and widget not in WIDGETS:
        raise ValueError(f"widget must be one of {WIDGETS}, not {widget!r}")
    meta = {
        "label": label,
        "sensitivity": sensitivity,
        "column": column,
        "sort": sort,
        "export": export,
        "imports": imports,
        "form": form,
        "shown": shown,
    }
    optional = {
        "mask": mask,
        "filter": filter,
        "widget": widget,
        "picker": picker,
        "help": help,
        "choices": choices,
        "former_labels": tuple(former_labels) or None,
        "picker_label": picker_label,
        "item_sensitivity": item_sensitivity,
        "record_sensitivity": record_sensitivity,
    }
    meta.update({k: v for k, v in optional.items() if v is not None})
    field.metadata.update(meta)
    return field


class FieldOptions(TypedDict, total=False):
    """:func:`describe`'s options, which every field constructor below takes as keywords."""

    sensitivity: str
    mask: Callable[[Any], Any] | None
    column: bool
    sort: bool
    filter: str | None
    export: bool
    widget: str | None
    picker: str | None
    help: Any
    choices: dict[str, Any] | Callable[[], dict[str, Any]] | None
    imports: bool
    form: bool
    shown: bool
    former_labels: tuple[str, ...]
    picker_label: Callable[[Any], str | None] | None
    item_sensitivity: Callable[[Any], str] | None
    record_sensitivity: Callable[[Any], str] | None


Validate = Callable[[Any], Any] | Iterable[Callable[[Any], Any]] | None


def _loading(required: bool, default: Any = None, dump_only: bool = False) -> dict[str, Any]:
    """The marshmallow keywords of a field that is only shown (``dump_only``), or required, or
    else ``default`` when left out (``None``: it may be left empty)."""
    if dump_only:
        return {"dump_only": True}
    if required:
        return {"required": True}
    return {"load_default": default, "allow_none": default is None}


def _about(description: str | None) -> dict[str, Any]:
    """The metadata that gives the API's document a field's ``description``."""
    return {"description": description} if description else {}


def Text(
    label: Any,
    max_length: int | None = None,
    *,
    required: bool = False,
    dump_only: bool = False,
    validate: Validate = None,
    description: str | None = None,
    **options: Unpack[FieldOptions],
) -> ma.fields.String:
    """Text of at most ``max_length`` characters: required and not blank, or else ``None``
    when left empty; ``validate`` checks more (a phone number's digits)::

        location = Text(_l("Location"), 200)
        description = Text(_l("Hazard description"), 2000, required=True, column=True)
    """
    metadata = _about(description)
    if required:
        field = required_text(max_length, validate=validate, metadata=metadata)
    elif max_length is not None and not dump_only:
        field = optional_text(max_length, validate=validate, metadata=metadata)
    else:
        field = ma.fields.String(
            validate=validate, metadata=metadata, **_loading(False, None, dump_only)
        )
    return describe(field, label=label, **options)


def Choice(
    label: Any,
    choices: dict[str, Any],
    *,
    required: bool = False,
    default: str | None = None,
    dump_only: bool = False,
    description: str | None = None,
    **options: Unpack[FieldOptions],
) -> ma.fields.String:
    """One key of ``choices`` (key → label; the label is read too, with :class:`ChoiceSchema`):
    required, or else ``default`` when left out::

        severity = Choice(_l("Severity"), SEVERITIES, default="general", widget="radio")
    """
    if dump_only:
        field = ma.fields.String(dump_only=True, metadata=_about(description))
        return describe(field, label=label, choices=choices, **options)
    field = choice(choices, metadata=_about(description), **_loading(required, default))
    return describe(field, label=label, **options)


def Date(
    label: Any,
    *,
    required: bool = False,
    dump_only: bool = False,
    validate: Validate = None,
    description: str | None = None,
    **options: Unpack[FieldOptions],
) -> ma.fields.Date:
    """A date (YYYY-MM-DD), ``None`` when left empty unless ``required``; ``validate`` checks
    it further (:func:`core.validation.not_future`)::

        found_on = Date(_l("Found on"), validate=not_future, column=True, sort=True)
    """
    field = ma.fields.Date(
        validate=validate, metadata=_about(description), **_loading(required, None, dump_only)
    )
    return describe(field, label=label, **options)


def Number(
    label: Any,
    *,
    places: int | None = None,
    required: bool = False,
    default: int | None = None,
    min: int | None = None,
    max: int | None = None,
    validate: Validate = None,
    dump_only: bool = False,
    description: str | None = None,
    **options: Unpack[FieldOptions],
) -> ma.fields.Integer | ma.fields.Decimal:
    """A whole number, or with ``places`` a decimal written as text (``"12.50"``, never a
    float); from ``min`` to ``max`` where they are given, checked by ``validate`` after that::

        headcount = Number(_l("Headcount"), min=0, max=10**7)
        direct_loss = Number(_l("Direct loss (10,000 yuan)"), places=2, validate=amount)
    """
    checks: list[Callable[[Any], Any]] = []
    if min is not None or max is not None:
        bounds = ma.validate.Range(min=min, max=max)
        checks.append(bounds if places is None else _TextBounds(bounds))
    if validate is not None:
        checks.extend([validate] if callable(validate) else validate)
    how = {"metadata": _about(description), **_loading(required, default, dump_only)}
    if places is None:
        return describe(ma.fields.Integer(validate=checks, **how), label=label, **options)
    # Written as text on the wire, so documented as a decimal string (not a JSON number).
    how["metadata"] = {**how["metadata"], "type": "string", "format": "decimal"}
    field = ma.fields.Decimal(places=places, as_string=True, validate=checks, **how)
    return describe(field, label=label, **options)


class _TextBounds(ma.validate.Validator):
    """A range check for a decimal written as text. Not a ``Range`` itself: apispec would put
    its bounds into the OpenAPI document as ``minimum``/``maximum`` text, which the document's
    schema refuses (they must be numbers, and the value is a string)."""

    def __init__(self, bounds: ma.validate.Range) -> None:
        self.bounds = bounds

    def __call__(self, value: Any) -> Any:
        return self.bounds(value)


def Boolean(
    label: Any, *, default: bool = False, **options: Unpack[FieldOptions]
) -> ma.fields.Boolean:
    """Yes or no, ``default`` when left out (an unticked box); 是/否 read too, as exports
    write them, so an exported file imports again."""
    field = ma.fields.Boolean(
        load_default=default,
        truthy={*ma.fields.Boolean.truthy, "是"},
        falsy={*ma.fields.Boolean.falsy, "否"},
    )
    return describe(field, label=label, **options)


def RecordId(
    label: Any,
    *,
    required: bool = False,
    load_only: bool = False,
    description: str | None = None,
    **options: Unpack[FieldOptions],
) -> ma.fields.Integer:
    """The id of another record (an enterprise, a household; see
    :func:`core.validation.record_id`), ``None`` when left out unless ``required``;
    ``load_only``: read from the form, never shown (the record names it otherwise)."""
    field = record_id(load_only=load_only, metadata=_about(description), **_loading(required))
    return describe(field, label=label, **options)


def Keys(
    label: Any,
    choices: Callable[[], dict[str, Any]],
    *,
    unknown: Any = None,
    default: Callable[[], list[str]] | None = None,
    **options: Unpack[FieldOptions],
) -> KeysField:
    """Several keys of ``choices`` (a function: a module's vocabulary, the tags), ticked in
    checkboxes; ``None`` when left out unless ``default`` gives a list (``list``: empty);
    ``unknown``: the refusal naming keys that are not among them (see
    :class:`core.validation.KeysField`)::

        target_groups = Keys(_l("Target groups"), groups_of)
    """
    field = KeysField(choices, unknown=unknown, load_default=default, allow_none=default is None)
    return describe(field, label=label, **{"choices": choices, "widget": "checkboxes", **options})


def Computed(
    label: Any, value: Callable[[Any], Any], **options: Unpack[FieldOptions]
) -> ma.fields.Function:
    """What ``value(record)`` gives, shown on pages, lists and exports and never typed (a
    count, a related record's name)::

        open_hazards = Computed(_l("Number of open hazards"), lambda e: len(e.open_hazards))
    """
    return describe(ma.fields.Function(value, dump_only=True), label=label, **options)


def chosen_record(
    label: Any,
    choices: Callable[[], dict[int, str]],
    name_of: Callable[[Any], Any],
    *,
    required: bool = False,
    imports: bool = True,
    **shown_as: Any,
) -> tuple[ma.fields.Field, ma.fields.Field]:
    """Another record this one belongs to or names (a membership's team, a trainee's
    session): its id, chosen in the form from ``choices`` and left off pages, lists and
    exports; and ``name_of(record)``, shown there instead as a list column. ``imports=False``
    keeps the id out of imports; ``shown_as``: more of :func:`describe`'s options for the
    name (``export=False``)::

        team_id, team = chosen_record(_l("Team"), team_choices, lambda m: m.team.name)
    """
    return (
        RecordId(
            label, required=required, widget="select", choices=choices, imports=imports, shown=False
        ),
        Computed(label, name_of, **{"column": True, **shown_as}),
    )


def picker_current(field: ma.fields.Field, value: Any) -> str:
    """The text a picker's search box starts with: the record its form value names, as the
    field's ``picker_label`` says it; empty without one, or for an id that is not a number."""
    label = field.metadata.get("picker_label")
    text = str(value or "").strip()
    if label is None or not text.isascii() or not text.isdigit() or len(text) > 9:
        return ""
    return label(int(text)) or ""


def label_of(field: ma.fields.Field, name: str) -> str:
    return str(field.metadata.get("label", name))


def choices_of(field: ma.fields.Field) -> dict[str, Any]:
    """A field's choices; those given by a function are computed once per request (a list or
    an export shows thousands of cells)."""
    found = field.metadata.get("choices") or {}
    if not callable(found):
        return found
    from flask import g, has_app_context

    if not has_app_context():
        return found()
    cache = g.setdefault("jiedao_choices", {})
    if found not in cache:
        cache[found] = found()
    return cache[found]


_STRICTNESS = {S1: 1, S2: 2, S3: 3}


def sensitivity_of(field: ma.fields.Field | None, record: Any = None) -> str:
    """The class of ``field``: declared, or in ``record`` if its class depends on the record
    (``record_sensitivity``), never stricter than declared."""
    if field is None:
        return S1
    declared = field.metadata.get("sensitivity", S1)
    of_record = field.metadata.get("record_sensitivity")
    if record is None or of_record is None:
        return declared
    found = of_record(record)
    if found not in _STRICTNESS or _STRICTNESS[found] > _STRICTNESS[declared]:
        return declared
    return found


def depends_on_record(field: ma.fields.Field | None) -> bool:
    """Whether the class of ``field`` may differ from one record to the next."""
    return field is not None and field.metadata.get("record_sensitivity") is not None


def hidden_items(field: ma.fields.Field | None, value: Any) -> list[Any]:
    """The S3 items of a list value of a field declared with ``item_sensitivity``."""
    classes = field.metadata.get("item_sensitivity") if field is not None else None
    if classes is None or not isinstance(value, list | tuple):
        return []
    return [item for item in value if classes(item) == S3]


def widget_of(field: ma.fields.Field) -> str:
    """The form input for a field: declared, or chosen from its type."""
    declared = field.metadata.get("widget")
    if declared:
        return declared
    if field.metadata.get("picker"):
        return "picker"
    if row_fields(field):
        return "rows"
    choices = choices_of(field)
    if choices:
        if isinstance(field, ma.fields.List):
            return "checkboxes"
        return "radio" if len(choices) <= 4 else "select"
    if isinstance(field, ma.fields.Boolean):
        return "checkbox"
    if isinstance(field, ma.fields.Date):
        return "date"
    if isinstance(field, ma.fields.Time):
        return "time"
    if isinstance(field, ma.fields.Integer | ma.fields.Decimal | ma.fields.Float):
        return "number"
    length = max_length(field)
    if length is None or length > 200:
        return "textarea"
    return "text"


def row_fields(field: ma.fields.Field | None, purpose: str = "") -> dict[str, ma.fields.Field]:
    """The fields of one row of a ``List(Nested(RowSchema))`` field (a checklist's item, result
    and note); empty for any other field. ``purpose`` ``"form"`` leaves out what is not typed
    (dump-only, ``form=False``); ``"shown"`` what a page does not show (``shown=False``)."""
    inner = getattr(field, "inner", None)
    if not isinstance(inner, ma.fields.Nested):
        return {}
    fields = dict(inner.schema.fields)
    if purpose == "form":
        return {k: f for k, f in fields.items() if not f.dump_only and f.metadata.get("form", True)}
    if purpose == "shown":
        return {k: f for k, f in fields.items() if f.metadata.get("shown", True)}
    return fields


def max_length(field: ma.fields.Field) -> int | None:
    for validator in field.validators:
        if isinstance(validator, ma.validate.Length) and validator.max is not None:
            return validator.max
    return None


def display(field: ma.fields.Field | None, value: Any) -> str:
    """A value as users read it: choice labels, dates as YYYY-MM-DD, yes/no, lists joined."""
    if value is None or value == "":
        return ""
    choices = choices_of(field) if field is not None else {}
    if isinstance(value, list | tuple):
        return "、".join(str(HIDDEN) if v == WITHHELD else display(field, v) for v in value)
    if isinstance(value, dict):  # one row of a rows field: its cells, in the row's field order
        subs = row_fields(field, "shown")
        cells = [display(subs.get(key), value.get(key)) for key in subs or value]
        return " ".join(cell for cell in cells if cell)
    if choices and isinstance(value, str | int) and not isinstance(value, bool):
        label = choices.get(value)  # keys are text, or ids (an enterprise chosen by id)
        return str(label.label if hasattr(label, "label") else label) if label else str(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        from core.clock import localtime

        return localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
