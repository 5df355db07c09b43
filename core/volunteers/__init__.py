"""志愿者与队伍: core's volunteer register, teams, memberships and service hours, one for every
module (``component.py`` wires it in; ``services.py`` is the API modules call:
:func:`~core.volunteers.services.record_service`, ``hours_by_volunteer``, ``volunteer_count``,
``team_count``, ``volunteer_share``, all re-exported by :mod:`core.sdk`)."""
