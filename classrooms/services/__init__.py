"""Classroom operations: templates, seats, jobs, check runs."""
