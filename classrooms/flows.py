"""Several classroom services in one transaction."""
