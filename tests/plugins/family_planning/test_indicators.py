"""Every indicator against a world counted by hand, at a community, a street and the district
(ratios from summed numerators and denominators), with the clock stopped on 15 June 2026.

A1 (永安里东社区): 李一 (card, local), 李二 (card, inflow since 2025, on the platform),
李三 (card, inflow since May 2026, not on the platform), 李五 (card, 50 on 1 June), 李四 and
李六 (married, no card), 王死 (died 5 May). Births: 李一's boy 1 Feb (order 1, consistent),
李二's girl 3 Mar (order 2: a son elsewhere). Registrations: 李一's on 5 Jan registered 6 Jan
(on time), 李二's on 2 Feb registered 10 Feb (late), 李三's on 12 June registered 15 June
(on time). One special family (失独), on the ledger with a contact.
A2 (建国里社区): 孙七 (card) with a girl on 4 Apr (order 3: two children elsewhere).
B1 (吉祥里社区, another street): 周八 (card) with a boy on 5 May.
"""

from __future__ import annotations

import pytest

from .conftest import A1, DISTRICT, STREET_A


def _values(client, ref: str, period: str) -> dict:
    answer = client.get(f"/api/v1/nodes/{ref}/indicators?period={period}").json
    return {
        i["name"].removeprefix("family_planning."): (None if i["suppressed"] else i["value"])
        for i in answer["items"]
        if i["module"] == "family_planning"
    }


def test_the_community_figures_of_the_year(counted, as_user):
    year = _values(as_user("d_admin"), A1, "2026")
    assert year["married_women"] == 3  # 李一, 李二, 李三 (李五 is 50)
    assert year["married_women_in"] == 2 and year["platform_in"] == 1
    assert year["qualifying_women"] == 4  # 李一, 李二, 李四, 李六 (李三 here < half a year)
    assert year["filing_rate"] == 75.0  # 3 / 4
    assert year["platform_rate"] == 50.0
    assert (year["births"], year["births.first"], year["births.second"]) == (2, 1, 1)
    assert (year["births.third_plus"], year["births.boys"], year["births.girls"]) == (0, 1, 1)
    assert year["birth_match_rate"] == 50.0
    assert year["sex_ratio"] is None  # fewer than 20 births
    assert (year["deaths"], year["natural_growth"]) == (1, 1)
    # 李三 came in May (李二 in 2025); 王死 died, which is no move; nobody divorced.
    assert (year["moved_in"], year["moved_out"], year["divorces"]) == (1, 0, 0)
    assert (year["regs"], year["regs_done"], year["regs_on_time"]) == (3, 3, 2)
    assert year["reg_on_time"] == 66.7
    # One special family: under five, withheld, and so are its rates.
    assert year["special_families"] is None and year["special_contact_rate"] is None


def test_the_birth_rate_is_annualised_on_the_mean_population(counted, as_user):
    quarter = _values(as_user("d_admin"), A1, "2026Q1")
    # Residents of A1 on 31 Dec and on 31 Mar: 李一 李二 李四 李五 李六 王死 and the two
    # children (the registry counts who is registered there): 8 and 8 (李三 came in May).
    assert quarter["population_years"] == pytest.approx(8 * 90 / 365, abs=0.001)
    assert quarter["births"] == 2
    assert quarter["birth_rate"] == round(1000 * 2 / 1.973, 1)  # person-years to 3 places
    assert quarter["natural_growth_rate"] == quarter["birth_rate"]  # no death in Q1


def test_street_and_district_sum_their_parts(counted, as_user):
    street = _values(as_user("d_admin"), STREET_A, "2026")
    assert street["married_women"] == 4  # A1's 3 and 孙七
    assert (street["births"], street["births.third_plus"]) == (3, 1)
    assert street["birth_match_rate"] == 66.7  # 2 of 3, not the mean of 50% and 100%
    district = _values(as_user("d_admin"), DISTRICT, "2026")
    assert (district["births"], district["births.boys"], district["births.girls"]) == (4, 2, 2)
    assert district["married_women"] == 5
    assert district["birth_match_rate"] == 50.0  # 2 of 4


def test_a_figure_opens_onto_its_records(counted, as_user):
    rows = as_user("d_admin").get(
        f"/api/v1/nodes/{STREET_A}/figures/family_planning.births/records?period=2026"
    )
    assert rows.status_code == 200, rows.json
    assert len(rows.json["items"]) == 3
