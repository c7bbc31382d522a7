"""问责 (account): the findings register and rectification until closure."""
