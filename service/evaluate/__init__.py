"""评责 (evaluate): review meetings and scoring."""
