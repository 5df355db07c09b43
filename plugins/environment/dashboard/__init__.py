"""The module's figures and its upward monthly reports."""
