"""The tenant tree: district → street → community → grid → building, and what owns rows in it.

``tenants`` sits on ``core`` and never the other way round: core reads the node table through the
schema contract in ``core.tree`` and finds this package only as a component (``tenants.component``).
"""
