"""API and form schemas of the tree."""

from __future__ import annotations

import marshmallow as ma

from core.api import answer_schema
from core.validation import Schema, required_text
from tenants.models import NodeKind

# The ``ref`` path parameter of the ``/api/v1/nodes/<ref>…`` endpoints, for ``api_doc``.
REF_PARAM = [{"in": "path", "name": "ref", "required": True, "schema": {"type": "string"}}]


class NodeSchema(Schema):
    ref = ma.fields.String(
        dump_only=True, metadata={"description": "Unique reference used in URLs"}
    )
    kind = ma.fields.String(dump_only=True)
    code = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    status = ma.fields.String(dump_only=True)
    depth = ma.fields.Integer(dump_only=True)
    parent = ma.fields.Method("_parent_ref", dump_only=True, allow_none=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)

    def _parent_ref(self, node) -> str | None:
        return node.parent.ref if node.parent_id else None


# A node read on its own: how many nodes of each kind lie beneath it.
NodeWithCountsSchema = answer_schema(
    NodeSchema, "WithCounts", {"counts": ma.fields.Dict(ma.fields.String(), ma.fields.Integer())}
)
# A node after a tree change: the node it was merged into, and what the change counted.
NodeChangeSchema = answer_schema(
    NodeSchema,
    "Change",
    {
        "merged_into": ma.fields.String(allow_none=True),
        "archived": ma.fields.Integer(metadata={"description": "places archived"}),
        "restored": ma.fields.Integer(metadata={"description": "places restored"}),
        "moved": ma.fields.Dict(metadata={"description": "nodes and rows moved, the old ref"}),
    },
)


class NodeCreateSchema(Schema):
    parent = required_text(64, metadata={"description": "ref (code) of the parent node"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf([k.value for k in NodeKind]))
    code = required_text(32)
    name = required_text(100)


class NodeUpdateSchema(Schema):
    code = ma.fields.String(validate=ma.validate.Length(min=1, max=32))
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=100))


class NodeSearchArgs(Schema):
    """Query arguments of the node list; paging arguments are read by core.api.paginate."""

    class Meta:
        unknown = ma.EXCLUDE

    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))
    kind = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf([k.value for k in NodeKind])
    )


class ModuleSwitchSchema(Schema):
    module = required_text(64)
    enabled = ma.fields.Boolean(required=True)
    settings = ma.fields.Dict(load_default=None, allow_none=True)
    dry_run = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "only say which communities would change and what stays"},
    )


class PluginSchema(Schema):
    name = ma.fields.String()
    label = ma.fields.Function(lambda p: str(p.manifest.label) if p.manifest else p.name)
    version = ma.fields.Function(lambda p: p.manifest.version if p.manifest else None)
    core = ma.fields.Function(lambda p: p.manifest.core if p.manifest else None)
    requires = ma.fields.Function(lambda p: list(p.manifest.requires) if p.manifest else [])
    icon = ma.fields.Function(lambda p: p.manifest.icon if p.manifest else None)
    status = ma.fields.String()
    reason = ma.fields.String()
    distribution = ma.fields.String()
