"""Conformance suite: every case runs on sluice's engine and on moto's Step Functions parser."""
