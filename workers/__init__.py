"""Building and running Govern's workers."""
