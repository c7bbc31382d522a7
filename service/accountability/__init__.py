"""问责 (accountability): the findings register and rectification until closure."""
