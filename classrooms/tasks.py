"""Celery tasks: provisioning, resets, closing and purging seats."""
