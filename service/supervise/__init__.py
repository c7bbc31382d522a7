"""督责 (supervise): quarterly, half-year and year-end check runs."""
