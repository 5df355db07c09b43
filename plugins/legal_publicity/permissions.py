"""Who may do what in legal publicity: 普法 (``legal_publicity.view/.edit``), 人民调解
(``legal_publicity.mediation.view/.edit/.review``) and 安置帮教 (``legal_publicity.resettlement.*``:
S3, only the street's 司法所 and community cadres named for it — never program workers or
community admins by default)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from .common import (
    MEDIATION_EDIT,
    MEDIATION_REVIEW,
    MEDIATION_VIEW,
    RESETTLEMENT_CONFIRM,
    RESETTLEMENT_EDIT,
    RESETTLEMENT_VIEW,
    VIEW,
)


def declare(registry: Any) -> None:
    """The 普法 ledgers' four permissions with the platform's grants, mediation's three and
    resettlement's three — the last never granted by default: only the roles below and the
    district admin hold them."""
    registry.declare_ledger_permissions(
        view=_l("Read the legal publicity ledgers"),
        edit=_l("Keep the legal publicity ledgers"),
        restore=_l("Restore deleted legal publicity records"),
        sensitive=_l("See parties, consulters and what disputes are about"),
    )
    registry.declare(
        MEDIATION_VIEW, _l("Read the mediation register"), grants=["program_worker", "inspector"]
    )
    registry.declare(MEDIATION_EDIT, _l("Keep the mediation register"), grants=["program_worker"])
    registry.declare(
        MEDIATION_REVIEW, _l("Review serious disputes (judicial office)"), grants=["street_admin"]
    )
    # 安置帮教: never granted to program workers, nor to community admins unless named.
    registry.declare(RESETTLEMENT_VIEW, _l("See the resettlement register"))
    registry.declare(RESETTLEMENT_EDIT, _l("Keep the resettlement register"))
    registry.declare(RESETTLEMENT_CONFIRM, _l("Confirm releases from resettlement care"))
    registry.declare_role(
        "legal_publicity_judicial",
        _l("Judicial office"),
        [
            VIEW,
            MEDIATION_VIEW,
            MEDIATION_REVIEW,
            RESETTLEMENT_VIEW,
            RESETTLEMENT_EDIT,
            RESETTLEMENT_CONFIRM,
            "tenants.view",
        ],
        _l("The street's judicial office: reviews mediation, keeps the resettlement register"),
    )
    registry.declare_role(
        "legal_publicity_care",
        _l("Resettlement cadre"),
        [RESETTLEMENT_VIEW, RESETTLEMENT_EDIT, "tenants.view"],
        _l("A community cadre named to keep the resettlement register"),
    )
