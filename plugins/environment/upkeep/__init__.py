"""周期性维护: water tanks cleaned every half year."""
