"""What every console view stands on: the signed-in session, the methods a view serves, whole pages
or their HTMX fragments, a wizard's draft, and the reads a page or one of its tables authorizes.

Above the services, below the apps' views; the shell (iamconsole) registers the pages and their reads.
"""
