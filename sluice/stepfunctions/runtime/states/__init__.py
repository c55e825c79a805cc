"""One module per state type; each runs one attempt at its state and returns a StateOutcome."""
