"""履责 (perform): duty records (履责记录本) and the monthly duty calendar."""
