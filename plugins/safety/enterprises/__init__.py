"""企业安全台账: the safety facts of registry units (sector, risk level, standardisation, the
people in charge) and their major hazard sources. The ledgers give the lists, forms, pages,
API, exports and the import; ``rules`` holds the checks, ``views`` the routes that add a
hazard source to an enterprise."""
