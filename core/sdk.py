"""Everything a program plugin needs, in one import.

    from core.sdk import (
        hookimpl, Manifest, CommunityBlueprint, RollupBlueprint, require,
        Ledger, Filter, Text, Choice, Date, describe, S1, S2, S3, register_ledgers,
    )

A plugin holds its domain — models, schemas with their labels and sensitivity, rules and
workflows — and declares its ledgers; the list, form, detail, history, export, import, API and
masking machinery is core's. ``docs/plugins.md`` is the guide; ``jiedao plugin new`` writes a
plugin that uses only this module.
"""

from __future__ import annotations

from core.accounts.services import demo_account
from core.activities import (
    Activity,
    ActivityLedger,
    activities_held,
    activity_ledger,
    activity_photo_owner,
    count_held,
)
from core.api import answer_schema, api_doc, json_body, paginate
from core.calendar import calendar_year
from core.campaigns import CampaignLedger, campaign_ledger, everyone
from core.changes.kinds import ChangeKind
from core.clock import now, today
from core.db import Base, SoftDeleteMixin, TimestampMixin, db, utcnow
from core.errors import Conflict, DomainError, NotPermitted
from core.exchange.importing import per_batch, per_import
from core.filing import ChangeCheck, Due, Report, SumCheck
from core.filing import Field as ReportField
from core.forms import empty_form, load_form
from core.hookimpls import blueprints_hook, lazy_hook
from core.hookspecs import hookimpl
from core.inspections import (
    RESULT_LABELS,
    CheckItem,
    Checklist,
    ChecklistTemplate,
    InspectionLedger,
    InspectionRecord,
    InspectionRound,
    Referral,
    ResultSchema,
    checklist_version,
    current_template,
    inspection_ledger,
    inspection_routes,
    new_results,
    ranking,
    record_scores,
    rectify_failed,
    referrals_of,
    round_choices,
    score_results,
)
from core.navigation import NavEntry
from core.permissions import can
from core.plugins import Manifest
from core.records.fields import (
    S1,
    S2,
    S3,
    Boolean,
    Choice,
    Computed,
    Date,
    Keys,
    Number,
    RecordId,
    Text,
    chosen_record,
    describe,
    display,
)
from core.records.history import once_written, record_change, timeline
from core.records.ledger import (
    Filter,
    Ledger,
    Part,
    Steps,
    ledgers_exports,
    ledgers_imports,
    parse_filters,
    record_choices,
    register_ledgers,
    writable,
)
from core.records.sensitivity import mask, protect
from core.records.softdelete import get_any, including_deleted, live_rows, partial_index
from core.reminders import Reminder
from core.reports import CalendarEntry, Column, Export, Import, Indicator, Period
from core.tenancy import (
    CommunityBlueprint,
    RollupBlueprint,
    TenantOwned,
    enabled_communities,
    module_scope_clause,
    module_settings,
    require,
)
from core.tree import NodeRef, node_refs
from core.validation import (
    ChoiceSchema,
    KeysField,
    Schema,
    amount,
    at_most_a_year_ahead,
    choice,
    choice_label,
    mobile_number,
    not_future,
    optional_text,
    phone_number,
    record_id,
    required_text,
)
from core.visits import VisitQuota, mine_clause, mine_filter
from core.visits.declare import VisitLedger, visit_ledger
from core.visits.quotas import ShiftDate
from core.volunteers.services import (
    hours_by_volunteer,
    record_service,
    team_count,
    volunteer_count,
    volunteer_share,
)
from core.workbench import WorkSource
from core.workflow import Transition, Workflow, WorkflowEventMixin, refuse

__all__ = [
    "RESULT_LABELS",
    "S1",
    "S2",
    "S3",
    "Activity",
    "ActivityLedger",
    "Base",
    "Boolean",
    "CalendarEntry",
    "CampaignLedger",
    "ChangeCheck",
    "ChangeKind",
    "CheckItem",
    "Checklist",
    "ChecklistTemplate",
    "Choice",
    "ChoiceSchema",
    "Column",
    "CommunityBlueprint",
    "Computed",
    "Conflict",
    "Date",
    "DomainError",
    "Due",
    "Export",
    "Filter",
    "Import",
    "Indicator",
    "InspectionLedger",
    "InspectionRecord",
    "InspectionRound",
    "Keys",
    "KeysField",
    "Ledger",
    "Manifest",
    "NavEntry",
    "NodeRef",
    "NotPermitted",
    "Number",
    "Part",
    "Period",
    "RecordId",
    "Referral",
    "Reminder",
    "Report",
    "ReportField",
    "ResultSchema",
    "RollupBlueprint",
    "Schema",
    "ShiftDate",
    "SoftDeleteMixin",
    "Steps",
    "SumCheck",
    "TenantOwned",
    "Text",
    "TimestampMixin",
    "Transition",
    "VisitLedger",
    "VisitQuota",
    "WorkSource",
    "Workflow",
    "WorkflowEventMixin",
    "activities_held",
    "activity_ledger",
    "activity_photo_owner",
    "amount",
    "answer_schema",
    "api_doc",
    "at_most_a_year_ahead",
    "blueprints_hook",
    "calendar_year",
    "campaign_ledger",
    "can",
    "checklist_version",
    "choice",
    "choice_label",
    "chosen_record",
    "count_held",
    "current_template",
    "db",
    "demo_account",
    "describe",
    "display",
    "empty_form",
    "enabled_communities",
    "everyone",
    "get_any",
    "hookimpl",
    "hours_by_volunteer",
    "including_deleted",
    "inspection_ledger",
    "inspection_routes",
    "json_body",
    "lazy_hook",
    "ledgers_exports",
    "ledgers_imports",
    "live_rows",
    "load_form",
    "mask",
    "mine_clause",
    "mine_filter",
    "mobile_number",
    "module_scope_clause",
    "module_settings",
    "new_results",
    "node_refs",
    "not_future",
    "now",
    "once_written",
    "optional_text",
    "paginate",
    "parse_filters",
    "partial_index",
    "per_batch",
    "per_import",
    "phone_number",
    "protect",
    "ranking",
    "record_change",
    "record_choices",
    "record_id",
    "record_scores",
    "record_service",
    "rectify_failed",
    "referrals_of",
    "refuse",
    "register_ledgers",
    "require",
    "required_text",
    "round_choices",
    "score_results",
    "team_count",
    "timeline",
    "today",
    "utcnow",
    "visit_ledger",
    "volunteer_count",
    "volunteer_share",
    "writable",
]
