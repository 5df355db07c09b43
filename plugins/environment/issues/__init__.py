"""问题整改: what an inspection found, its deadline, re-check or referral."""
