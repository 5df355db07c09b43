"""安置帮教: the register of released persons in care (all S3) and their visits, behind the
``legal_publicity.resettlement.*`` permissions: a compartment of its own, 404 to everyone else."""
