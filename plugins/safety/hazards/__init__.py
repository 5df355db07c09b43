"""隐患排查治理: hidden dangers from their finding through the rectification notice and the
re-inspection to closing. The ledger gives the list, forms, API and export; ``workflow`` holds the
steps and their rules, ``views`` the routes of the steps and the printable notice."""
