"""五老 volunteers' own visits: a volunteer's account, the children paired with them, and the
visits they record to those children — and to no other."""
