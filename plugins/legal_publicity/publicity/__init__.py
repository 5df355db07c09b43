"""普法: publicity activities (core's activity records), boards and their renewals, study
records (学法) and legal consultations with their referrals."""
