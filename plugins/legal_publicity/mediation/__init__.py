"""人民调解: screenings (矛盾纠纷排查) whose items each end with an owner, and mediation cases
(人民调解案件) through their workflow from registration to the archive."""
