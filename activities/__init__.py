"""Every side effect of Govern, as activity classes with injected clients."""
