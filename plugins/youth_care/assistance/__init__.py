"""救助帮扶发放登记: grants, gifts and referrals given to children in care, registered by a
worker, reviewed by the community admin (by the street above the community's amount setting)
and issued against the guardian's signed receipt."""
