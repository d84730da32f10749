"""Who may do what, and the record of it: the acting principal, the policy engine's decisions for it,
the table of AWS operations (action, resource, condition keys), CloudTrail-shaped audit events, and
secrets encrypted at rest.

Above the models and selectors of every app, below their services: every app, and the AWS API,
import it on equal terms (see the README's architecture section).
"""
