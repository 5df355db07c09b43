"""Accounts: sign-in, users, roles, role assignments, API tokens and the audit log pages."""
