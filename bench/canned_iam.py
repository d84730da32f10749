"""A WSGI app that answers every IAM Query call of bench/api.py's round at once with a fixed, valid
response: no parsing beyond the Action, no signature check, no database. Served by gunicorn like the
project, it is the ceiling of the bench: the most calls per second any server could give to these
boto3 clients on this machine (the clients' own signing and parsing cost included).

    gunicorn --chdir bench canned_iam:app -w 3
"""

from urllib.parse import parse_qs

NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/"
RESULTS = {
    "CreatePolicy": "<Policy><Arn>arn:aws:iam::123456789012:policy/p</Arn><PolicyName>p</PolicyName></Policy>",
    "ListUsers": "<Users/><IsTruncated>false</IsTruncated>",
    "ListAttachedUserPolicies": "<AttachedPolicies/><IsTruncated>false</IsTruncated>",
    "GetUser": (
        "<User><UserName>u</UserName><UserId>AIDAEXAMPLE</UserId><Path>/</Path>"
        "<Arn>arn:aws:iam::123456789012:user/u</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></User>"
    ),
}


def _body(action):
    result = RESULTS.get(action, "")
    return (
        f'<{action}Response xmlns="{NAMESPACE}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    ).encode()


def app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(environ["wsgi.input"].read(length).decode())
    body = _body(form.get("Action", ["Unknown"])[0])
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]
