"""The executor of the local Step Functions engine: the execution loop and one module per state."""
