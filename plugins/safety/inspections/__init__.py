"""安全检查: inspections done or planned, of an enterprise, a building or an area, with their
checklist and photos; the hidden dangers they find go to the hazard ledger. The ledger gives
the list, forms, pages, API and export; ``rules`` holds the checks."""
