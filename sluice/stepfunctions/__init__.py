"""The local Step Functions engine."""
