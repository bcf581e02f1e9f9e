"""Ways into Govern: the CLI, the HTTP API, schedules."""
