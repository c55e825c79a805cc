"""sluice: the local cloud that runs the suite on one machine, without AWS or Docker."""
