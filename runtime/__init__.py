"""Process plumbing shared by workers and starters: settings, logging, telemetry, Temporal."""
