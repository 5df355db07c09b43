"""Depends on ledger: switching it on switches ledger on too."""

from flask_babel import lazy_gettext as _l

from core.hookspecs import hookimpl
from core.plugins import Manifest

manifest = Manifest(
    name="ledger_extra", label=_l("Ledger extras"), version="0.1.0", requires=("ledger",)
)


@hookimpl
def jiedao_permissions(registry):
    registry.declare("ledger_extra.view", _l("Read ledger extras"), grants=["community_admin"])
