"""The governance domain: models, policy and pure functions. No I/O; safe inside workflows."""
