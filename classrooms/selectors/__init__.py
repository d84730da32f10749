"""Reads for the portal's pages and jobs."""
