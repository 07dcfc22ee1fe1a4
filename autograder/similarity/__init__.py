"""Which submissions of an assignment were copied from each other (never runs student code)."""
