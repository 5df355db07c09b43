"""安全培训: training sessions and their trainees, the three key posts' certificates with their
expiry warnings, and the year's count of trained three-post people against the target. The
ledgers give the lists, forms, API and the export (one row per trainee); ``views`` adds a
session's trainees, the progress and the expiring certificates."""
